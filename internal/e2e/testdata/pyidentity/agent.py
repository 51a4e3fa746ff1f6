"""Agent for TestPythonSDKIdentityDecorators: obtains credentials from the
platform with the real bedrock-agentcore SDK decorators.

Payload {"action": "apikey" | "m2m" | "user"}:
  apikey -> {"apiKey": <from @requires_api_key>}
  m2m    -> {"token": <from @requires_access_token(auth_flow="M2M")>}
  user   -> {"token": <from @requires_access_token(auth_flow="USER_FEDERATION")>};
            on_auth_url POSTs the authorization URL to $CONSENT_HOOK, where the
            test plays the user.
"""

import json
import os
import urllib.request

from bedrock_agentcore.identity.auth import requires_access_token, requires_api_key
from bedrock_agentcore.runtime import BedrockAgentCoreApp

app = BedrockAgentCoreApp()


def on_auth_url(url: str):
    req = urllib.request.Request(os.environ["CONSENT_HOOK"], data=url.encode(), method="POST")
    urllib.request.urlopen(req, timeout=10).read()


@requires_api_key(provider_name="py-search-key")
def api_key(*, api_key: str) -> str:
    return api_key


@requires_access_token(provider_name="py-m2m", scopes=["read"], auth_flow="M2M")
def m2m(*, access_token: str) -> str:
    return access_token


@requires_access_token(provider_name="py-user", scopes=["openid", "offline_access"], auth_flow="USER_FEDERATION", on_auth_url=on_auth_url)
def user(*, access_token: str) -> str:
    return access_token


@app.entrypoint
def invoke(payload, context):
    action = payload.get("action")
    if action == "apikey":
        return {"apiKey": api_key()}
    if action == "m2m":
        return {"token": m2m()}
    if action == "user":
        return {"token": user()}
    return {"error": "unknown action " + json.dumps(action)}


if __name__ == "__main__":
    app.run()
