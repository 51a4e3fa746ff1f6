package identity

// vendor describes a built-in OAuth2 provider preset: its config member in
// the Oauth2ProviderConfigInput union and its fixed endpoints (empty for
// vendors whose endpoints are per tenant, which take
// includedOauth2ProviderConfig issuer/endpoints or a discovery URL).
type vendor struct {
	Member string
	Auth   string
	Token  string
}

// vendors is the endpoint table of CredentialProviderVendorType.
var vendors = map[string]vendor{
	"GoogleOauth2":     {"googleOauth2ProviderConfig", "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token"},
	"GithubOauth2":     {"githubOauth2ProviderConfig", "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token"},
	"SlackOauth2":      {"slackOauth2ProviderConfig", "https://slack.com/oauth/v2/authorize", "https://slack.com/api/oauth.v2.access"},
	"SalesforceOauth2": {"salesforceOauth2ProviderConfig", "https://login.salesforce.com/services/oauth2/authorize", "https://login.salesforce.com/services/oauth2/token"},
	"MicrosoftOauth2":  {"microsoftOauth2ProviderConfig", "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize", "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"},
	"AtlassianOauth2":  {"atlassianOauth2ProviderConfig", "https://auth.atlassian.com/authorize", "https://auth.atlassian.com/oauth/token"},
	"LinkedinOauth2":   {"linkedinOauth2ProviderConfig", "https://www.linkedin.com/oauth/v2/authorization", "https://www.linkedin.com/oauth/v2/accessToken"},
	"CustomOauth2":     {"customOauth2ProviderConfig", "", ""},
	"XOauth2":          {"includedOauth2ProviderConfig", "https://x.com/i/oauth2/authorize", "https://api.x.com/2/oauth2/token"},
	"FacebookOauth2":   {"includedOauth2ProviderConfig", "https://www.facebook.com/v21.0/dialog/oauth", "https://graph.facebook.com/v21.0/oauth/access_token"},
	"YandexOauth2":     {"includedOauth2ProviderConfig", "https://oauth.yandex.com/authorize", "https://oauth.yandex.com/token"},
	"RedditOauth2":     {"includedOauth2ProviderConfig", "https://www.reddit.com/api/v1/authorize", "https://www.reddit.com/api/v1/access_token"},
	"ZoomOauth2":       {"includedOauth2ProviderConfig", "https://zoom.us/oauth/authorize", "https://zoom.us/oauth/token"},
	"TwitchOauth2":     {"includedOauth2ProviderConfig", "https://id.twitch.tv/oauth2/authorize", "https://id.twitch.tv/oauth2/token"},
	"SpotifyOauth2":    {"includedOauth2ProviderConfig", "https://accounts.spotify.com/authorize", "https://accounts.spotify.com/api/token"},
	"DropboxOauth2":    {"includedOauth2ProviderConfig", "https://www.dropbox.com/oauth2/authorize", "https://api.dropboxapi.com/oauth2/token"},
	"NotionOauth2":     {"includedOauth2ProviderConfig", "https://api.notion.com/v1/oauth/authorize", "https://api.notion.com/v1/oauth/token"},
	"HubspotOauth2":    {"includedOauth2ProviderConfig", "https://app.hubspot.com/oauth/authorize", "https://api.hubapi.com/oauth/v1/token"},
	// Per-tenant authorization servers: issuer or explicit endpoints required.
	"OktaOauth2":       {"includedOauth2ProviderConfig", "", ""},
	"OneLoginOauth2":   {"includedOauth2ProviderConfig", "", ""},
	"PingOneOauth2":    {"includedOauth2ProviderConfig", "", ""},
	"CyberArkOauth2":   {"includedOauth2ProviderConfig", "", ""},
	"FusionAuthOauth2": {"includedOauth2ProviderConfig", "", ""},
	"Auth0Oauth2":      {"includedOauth2ProviderConfig", "", ""},
	"CognitoOauth2":    {"includedOauth2ProviderConfig", "", ""},
}
