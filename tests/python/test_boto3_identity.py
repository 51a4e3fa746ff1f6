"""AgentCore Identity through unmodified boto3, against an agentcore server
started with credentials (AKIDAGENTCORETEST / secret, as testenv configures).
"""

import os
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
REGION = "us-east-1"

pytestmark = pytest.mark.skipif(not ENDPOINT, reason="AGENTCORE_TEST_ENDPOINT is not set")


def client(service, key="AKIDAGENTCORETEST", secret="secret"):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION,
                        aws_access_key_id=key, aws_secret_access_key=secret)


def test_sigv4_rejects_wrong_secret_and_unknown_key():
    with pytest.raises(ClientError) as e:
        client("bedrock-agentcore-control", secret="wrong").list_workload_identities()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        client("bedrock-agentcore-control", key="AKIDNOBODY").list_workload_identities()
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_workload_identity_and_api_key():
    control, data = client("bedrock-agentcore-control"), client("bedrock-agentcore")
    name = "py-wl-" + uuid.uuid4().hex[:8]
    wl = control.create_workload_identity(name=name, allowedResourceOauth2ReturnUrls=["https://app.example/cb"])
    assert wl["workloadIdentityArn"].endswith("/workload-identity/" + name)
    got = control.get_workload_identity(name=name)
    assert got["allowedResourceOauth2ReturnUrls"] == ["https://app.example/cb"]
    assert name in [w["name"] for w in control.list_workload_identities()["workloadIdentities"]]

    prov = "py-key-" + uuid.uuid4().hex[:8]
    created = control.create_api_key_credential_provider(name=prov, apiKey="sk-boto3-secret")
    assert "apiKey" not in created and created["apiKeySecretArn"]["secretArn"]
    assert "apiKey" not in control.get_api_key_credential_provider(name=prov)

    wat = data.get_workload_access_token_for_user_id(workloadName=name, userId="alice")["workloadAccessToken"]
    assert data.get_resource_api_key(resourceCredentialProviderName=prov, workloadIdentityToken=wat)["apiKey"] == "sk-boto3-secret"
    with pytest.raises(ClientError) as e:
        data.get_resource_api_key(resourceCredentialProviderName=prov, workloadIdentityToken="wat1.bad.sig")
    assert e.value.response["Error"]["Code"] == "AccessDeniedException"

    control.delete_api_key_credential_provider(name=prov)
    control.delete_workload_identity(name=name)
    with pytest.raises(ClientError) as e:
        control.get_workload_identity(name=name)
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
