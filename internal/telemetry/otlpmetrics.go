package telemetry

import (
	"context"
	"time"

	promb "go.opentelemetry.io/contrib/bridges/prometheus"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// ExportMetrics pushes the /metrics registry over OTLP/HTTP to url (the
// full metrics URL, e.g. http://collector:4318/v1/metrics) every interval,
// through the OpenTelemetry Prometheus bridge: the same series, as OTLP
// sums, gauges and histograms. The returned function flushes and stops it.
func (m *Metrics) ExportMetrics(ctx context.Context, url string, interval time.Duration, version string) (func(context.Context) error, error) {
	exp, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(url), otlpmetrichttp.WithTimeout(10*time.Second))
	if err != nil {
		return nil, err
	}
	if interval <= 0 {
		interval = 30 * time.Second
	}
	reader := metric.NewPeriodicReader(exp, metric.WithInterval(interval),
		metric.WithProducer(promb.NewMetricProducer(promb.WithGatherer(m.reg))))
	res := resource.NewWithAttributes(SchemaURL, semconv.ServiceName("agentcore"), semconv.ServiceVersion(serviceVersion(version)))
	mp := metric.NewMeterProvider(metric.WithReader(reader), metric.WithResource(res))
	return mp.Shutdown, nil
}
