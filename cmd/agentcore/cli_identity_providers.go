package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
	"github.com/spf13/cobra"
)

func newProvidersCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "providers", Aliases: []string{"provider"}, Short: "Create, list and delete credential providers (token vault)"}
	cmd.AddCommand(newProvidersListCmd(), newProviderAPIKeyCmd(), newProviderOAuth2Cmd(), newProviderDeleteCmd())
	return cmd
}

// providerList is both kinds of credential providers.
type providerList struct {
	apiKey *ctl.ListApiKeyCredentialProvidersOutput
	oauth2 *ctl.ListOauth2CredentialProvidersOutput
}

func listProviders(ctx context.Context, c *clients, apiKey, oauth2 bool) (*providerList, error) {
	l := &providerList{apiKey: &ctl.ListApiKeyCredentialProvidersOutput{CredentialProviders: []ctltypes.ApiKeyCredentialProviderItem{}},
		oauth2: &ctl.ListOauth2CredentialProvidersOutput{CredentialProviders: []ctltypes.Oauth2CredentialProviderItem{}}}
	var err error
	if apiKey {
		l.apiKey.CredentialProviders, err = collect(ctx, ctl.NewListApiKeyCredentialProvidersPaginator(c.control, &ctl.ListApiKeyCredentialProvidersInput{}),
			func(p *ctl.ListApiKeyCredentialProvidersOutput) []ctltypes.ApiKeyCredentialProviderItem {
				return p.CredentialProviders
			})
		if err != nil {
			return nil, err
		}
	}
	if oauth2 {
		l.oauth2.CredentialProviders, err = collect(ctx, ctl.NewListOauth2CredentialProvidersPaginator(c.control, &ctl.ListOauth2CredentialProvidersInput{}),
			func(p *ctl.ListOauth2CredentialProvidersOutput) []ctltypes.Oauth2CredentialProviderItem {
				return p.CredentialProviders
			})
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

func newProvidersListCmd() *cobra.Command {
	var co clientOpts
	var kind string
	cmd := &cobra.Command{
		Use:   "list [--type api-key|oauth2]",
		Short: "List credential providers (ListApiKeyCredentialProviders, ListOauth2CredentialProviders)",
		Long: `Lists API-key and OAuth2 credential providers. With --output json and one --type
it prints that List operation's output; without --type an object with both
lists: {"apiKeyCredentialProviders": [...], "oauth2CredentialProviders": [...]}.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			apiKey, oauth2, err := providerKind(kind)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			l, err := listProviders(ctx, c, apiKey, oauth2)
			if err != nil {
				return err
			}
			if co.json(false) {
				switch {
				case !oauth2:
					return printWire(cmd.OutOrStdout(), l.apiKey)
				case !apiKey:
					return printWire(cmd.OutOrStdout(), l.oauth2)
				}
				a, _ := wireValue(l.apiKey).(map[string]any)
				o, _ := wireValue(l.oauth2).(map[string]any)
				return printJSON(cmd.OutOrStdout(), map[string]any{"apiKeyCredentialProviders": a["credentialProviders"], "oauth2CredentialProviders": o["credentialProviders"]})
			}
			w := table(cmd, "NAME\tTYPE\tVENDOR\tCREATED\tARN")
			for _, p := range l.apiKey.CredentialProviders {
				fmt.Fprintf(w, "%s\tapi-key\t-\t%s\t%s\n", aws.ToString(p.Name), fmtTime(p.CreatedTime), aws.ToString(p.CredentialProviderArn))
			}
			for _, p := range l.oauth2.CredentialProviders {
				fmt.Fprintf(w, "%s\toauth2\t%s\t%s\t%s\n", aws.ToString(p.Name), p.CredentialProviderVendor, fmtTime(p.CreatedTime), aws.ToString(p.CredentialProviderArn))
			}
			return w.Flush()
		},
	}
	co.addFlags(cmd)
	cmd.Flags().StringVar(&kind, "type", "", "only api-key or oauth2 providers")
	return cmd
}

func newProviderAPIKeyCmd() *cobra.Command {
	var co clientOpts
	var key, keyFile string
	cmd := &cobra.Command{
		Use:   "create-api-key NAME (--api-key-file FILE|- | --api-key KEY)",
		Short: "Store an API key in the token vault (CreateApiKeyCredentialProvider)",
		Example: `  agentcore identity providers create-api-key weather --api-key-file key.txt
  printenv WEATHER_KEY | agentcore identity providers create-api-key weather --api-key-file -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile != "" {
				var b []byte
				var err error
				if keyFile == "-" {
					b, err = io.ReadAll(cmd.InOrStdin())
				} else {
					b, err = os.ReadFile(keyFile)
				}
				if err != nil {
					return err
				}
				key = strings.TrimSpace(string(b))
			}
			if key == "" {
				return errors.New("give the key with --api-key-file FILE (or - for stdin) or --api-key")
			}
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.control.CreateApiKeyCredentialProvider(ctx, &ctl.CreateApiKeyCredentialProviderInput{Name: aws.String(args[0]), ApiKey: aws.String(key)})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			arn := aws.ToString(out.CredentialProviderArn)
			fmt.Fprintf(cmd.OutOrStdout(), "Created API-key provider %s\nARN: %s\n", aws.ToString(out.Name), arn)
			fmt.Fprintf(cmd.OutOrStdout(), "Next: agents read it with GetResourceApiKey (@requires_api_key(provider_name=%q)),\n  or a gateway target sends it: agentcore gateway targets add GATEWAY --name api --openapi FILE --api-key-provider %s\n", aws.ToString(out.Name), arn)
			return nil
		},
	}
	co.addFlags(cmd)
	cmd.Flags().StringVar(&keyFile, "api-key-file", "", "read the key from this file (- for stdin)")
	cmd.Flags().StringVar(&key, "api-key", "", "the key (visible in the process list; prefer --api-key-file)")
	return cmd
}

// oauth2Flags are the flags of create-oauth2.
type oauth2Flags struct {
	vendor, clientID, clientSecret, discovery, issuer, authURL, tokenURL, tenant string
}

// config builds the vendor's provider configuration.
func (f *oauth2Flags) config() (ctltypes.Oauth2ProviderConfigInput, error) {
	id, secret := aws.String(f.clientID), aws.String(f.clientSecret)
	switch ctltypes.CredentialProviderVendorType(f.vendor) {
	case ctltypes.CredentialProviderVendorTypeCustomOauth2:
		cfg := ctltypes.CustomOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}
		switch {
		case f.discovery != "":
			cfg.OauthDiscovery = &ctltypes.Oauth2DiscoveryMemberDiscoveryUrl{Value: f.discovery}
		case f.issuer != "" && f.authURL != "" && f.tokenURL != "":
			cfg.OauthDiscovery = &ctltypes.Oauth2DiscoveryMemberAuthorizationServerMetadata{Value: ctltypes.Oauth2AuthorizationServerMetadata{
				Issuer: aws.String(f.issuer), AuthorizationEndpoint: aws.String(f.authURL), TokenEndpoint: aws.String(f.tokenURL)}}
		default:
			return nil, errors.New("CustomOauth2 needs --discovery-url, or --issuer with --authorization-endpoint and --token-endpoint")
		}
		return &ctltypes.Oauth2ProviderConfigInputMemberCustomOauth2ProviderConfig{Value: cfg}, nil
	case ctltypes.CredentialProviderVendorTypeGoogleOauth2:
		return &ctltypes.Oauth2ProviderConfigInputMemberGoogleOauth2ProviderConfig{Value: ctltypes.GoogleOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}}, nil
	case ctltypes.CredentialProviderVendorTypeGithubOauth2:
		return &ctltypes.Oauth2ProviderConfigInputMemberGithubOauth2ProviderConfig{Value: ctltypes.GithubOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}}, nil
	case ctltypes.CredentialProviderVendorTypeSlackOauth2:
		return &ctltypes.Oauth2ProviderConfigInputMemberSlackOauth2ProviderConfig{Value: ctltypes.SlackOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}}, nil
	case ctltypes.CredentialProviderVendorTypeSalesforceOauth2:
		return &ctltypes.Oauth2ProviderConfigInputMemberSalesforceOauth2ProviderConfig{Value: ctltypes.SalesforceOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}}, nil
	case ctltypes.CredentialProviderVendorTypeAtlassianOauth2:
		return &ctltypes.Oauth2ProviderConfigInputMemberAtlassianOauth2ProviderConfig{Value: ctltypes.AtlassianOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}}, nil
	case ctltypes.CredentialProviderVendorTypeLinkedinOauth2:
		return &ctltypes.Oauth2ProviderConfigInputMemberLinkedinOauth2ProviderConfig{Value: ctltypes.LinkedinOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}}, nil
	case ctltypes.CredentialProviderVendorTypeMicrosoftOauth2:
		cfg := ctltypes.MicrosoftOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}
		if f.tenant != "" {
			cfg.TenantId = aws.String(f.tenant)
		}
		return &ctltypes.Oauth2ProviderConfigInputMemberMicrosoftOauth2ProviderConfig{Value: cfg}, nil
	}
	// The other vendors (Okta, Auth0, Cognito, ...): their tenant's issuer or endpoints.
	cfg := ctltypes.IncludedOauth2ProviderConfigInput{ClientId: id, ClientSecret: secret}
	for p, v := range map[**string]string{&cfg.Issuer: f.issuer, &cfg.AuthorizationEndpoint: f.authURL, &cfg.TokenEndpoint: f.tokenURL} {
		if v != "" {
			*p = aws.String(v)
		}
	}
	return &ctltypes.Oauth2ProviderConfigInputMemberIncludedOauth2ProviderConfig{Value: cfg}, nil
}

func newProviderOAuth2Cmd() *cobra.Command {
	var co clientOpts
	var f oauth2Flags
	cmd := &cobra.Command{
		Use:   "create-oauth2 NAME --client-id ID --client-secret SECRET [--vendor V] [--discovery-url URL | --issuer ...]",
		Short: "Store an OAuth2 client in the token vault (CreateOauth2CredentialProvider)",
		Example: `  agentcore identity providers create-oauth2 github --vendor GithubOauth2 --client-id ID --client-secret SECRET
  agentcore identity providers create-oauth2 corp --client-id ID --client-secret SECRET \
      --discovery-url https://idp.example.com/.well-known/openid-configuration`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.config()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			out, err := c.control.CreateOauth2CredentialProvider(ctx, &ctl.CreateOauth2CredentialProviderInput{Name: aws.String(args[0]),
				CredentialProviderVendor: ctltypes.CredentialProviderVendorType(f.vendor), Oauth2ProviderConfigInput: cfg})
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created OAuth2 provider %s\nARN: %s\n", aws.ToString(out.Name), aws.ToString(out.CredentialProviderArn))
			if cb := aws.ToString(out.CallbackUrl); cb != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "Next: register this redirect URI with the provider's OAuth client:\n  %s\n", cb)
			}
			return nil
		},
	}
	co.addFlags(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.vendor, "vendor", string(ctltypes.CredentialProviderVendorTypeCustomOauth2), "CustomOauth2, GoogleOauth2, GithubOauth2, MicrosoftOauth2, OktaOauth2, ... (credentialProviderVendor)")
	fl.StringVar(&f.clientID, "client-id", "", "OAuth2 client id")
	fl.StringVar(&f.clientSecret, "client-secret", "", "OAuth2 client secret")
	fl.StringVar(&f.discovery, "discovery-url", "", "CustomOauth2: the OpenID discovery URL")
	fl.StringVar(&f.issuer, "issuer", "", "the authorization server's issuer (CustomOauth2 without discovery; Okta, Auth0, ...)")
	fl.StringVar(&f.authURL, "authorization-endpoint", "", "the authorization endpoint (with --issuer)")
	fl.StringVar(&f.tokenURL, "token-endpoint", "", "the token endpoint (with --issuer)")
	fl.StringVar(&f.tenant, "tenant-id", "", "MicrosoftOauth2: the Entra tenant")
	cmd.MarkFlagRequired("client-id")     //nolint:errcheck // the flag exists
	cmd.MarkFlagRequired("client-secret") //nolint:errcheck // the flag exists
	return cmd
}

func newProviderDeleteCmd() *cobra.Command {
	var co clientOpts
	var kind string
	cmd := &cobra.Command{
		Use:   "delete NAME [--type api-key|oauth2]",
		Short: "Delete a credential provider and its secret",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			apiKey, oauth2, err := providerKind(kind)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := co.connectHere(ctx)
			if err != nil {
				return err
			}
			if apiKey && oauth2 { // find which kind the name is
				l, err := listProviders(ctx, c, true, false)
				if err != nil {
					return err
				}
				oauth2 = true
				for _, p := range l.apiKey.CredentialProviders {
					if aws.ToString(p.Name) == args[0] {
						oauth2 = false
					}
				}
				apiKey = !oauth2
			}
			if apiKey {
				_, err = c.control.DeleteApiKeyCredentialProvider(ctx, &ctl.DeleteApiKeyCredentialProviderInput{Name: aws.String(args[0])})
			} else {
				_, err = c.control.DeleteOauth2CredentialProvider(ctx, &ctl.DeleteOauth2CredentialProviderInput{Name: aws.String(args[0])})
			}
			if err != nil {
				return apiError(err)
			}
			if co.json(false) {
				return printJSON(cmd.OutOrStdout(), map[string]any{"name": args[0]})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted credential provider %s\n", args[0])
			return nil
		},
	}
	co.addFlags(cmd)
	cmd.Flags().StringVar(&kind, "type", "", "api-key or oauth2 (default: whichever has that name)")
	return cmd
}
