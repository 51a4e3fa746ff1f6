package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/agentcore-dev/agentcore/internal/memory"
)

// agentcore's extension for self-managed memory strategies: where AWS
// publishes a job to the SNS topic named by invocationConfiguration.topicArn,
// agentcore POSTs it to the endpoint subscribed to that topicArn here.

type subscribeTopicInput struct {
	TopicARN string `json:"topicArn"`
	Endpoint string `json:"endpoint"`
	Secret   string `json:"secret"`
}

type topicOutput struct {
	TopicARN string `json:"topicArn"`
	Endpoint string `json:"endpoint,omitempty"`
}

type unsubscribeTopicInput struct {
	TopicARN string `json:"topicArn"`
}

func (s *Server) subscribeMemoryTopic(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *subscribeTopicInput) (*topicOutput, error) {
		if err := svc.Subscribe(ctx, memory.Subscription{TopicARN: in.TopicARN, Endpoint: in.Endpoint, Secret: in.Secret}); err != nil {
			return nil, err
		}
		return &topicOutput{TopicARN: in.TopicARN, Endpoint: in.Endpoint}, nil
	})(ctx, w, r, p)
}

func (s *Server) unsubscribeMemoryTopic(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *unsubscribeTopicInput) (*topicOutput, error) {
		if err := svc.Unsubscribe(ctx, in.TopicARN); err != nil {
			return nil, err
		}
		return &topicOutput{TopicARN: in.TopicARN}, nil
	})(ctx, w, r, p)
}

type receiveDeliveriesInput struct {
	TopicARN          string `json:"topicArn"`
	MaxMessages       int    `json:"maxMessages"`
	VisibilityTimeout int    `json:"visibilityTimeout"`
}

type receiveDeliveriesOutput struct {
	Messages []memory.Delivery `json:"messages"`
}

type deleteDeliveryInput struct {
	TopicARN      string `json:"topicArn"`
	ReceiptHandle string `json:"receiptHandle"`
}

func (s *Server) receiveMemoryDeliveries(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *receiveDeliveriesInput) (*receiveDeliveriesOutput, error) {
		ms, err := svc.ReceiveDeliveries(ctx, in.TopicARN, in.MaxMessages, time.Duration(in.VisibilityTimeout)*time.Second)
		if err != nil {
			return nil, err
		}
		return &receiveDeliveriesOutput{Messages: ms}, nil
	})(ctx, w, r, p)
}

func (s *Server) deleteMemoryDelivery(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return memoryOp(s, http.StatusOK, func(ctx context.Context, svc *memory.Service, in *deleteDeliveryInput) (*topicOutput, error) {
		if err := svc.DeleteDelivery(ctx, in.TopicARN, in.ReceiptHandle); err != nil {
			return nil, err
		}
		return &topicOutput{TopicARN: in.TopicARN}, nil
	})(ctx, w, r, p)
}
