"""Evaluation datasets through the bedrock-agentcore SDK's DatasetClient and
plain boto3, against an agentcore server.

DatasetClient takes no endpoint_url: it is pointed at the server with
AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL (botocore's per-service endpoint
variable), set here from AGENTCORE_TEST_ENDPOINT
(internal/e2e/evaluation_clients_test.go starts the server).
"""

import os
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("AGENTCORE_TEST_ENDPOINT", "")
REGION = "us-east-1"
SCHEMA = "AGENTCORE_EVALUATION_PREDEFINED_V1"

pytestmark = pytest.mark.skipif(not ENDPOINT, reason="AGENTCORE_TEST_ENDPOINT is not set")


def scenario(sid, prompt, expected):
    return {"scenario_id": sid, "turns": [{"input": prompt, "expected_response": expected}], "assertions": ["answers the question"]}


@pytest.fixture(scope="module")
def client():
    os.environ["AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL"] = ENDPOINT
    from bedrock_agentcore.evaluation.dataset_client import DatasetClient

    return DatasetClient(region_name=REGION)


def name(tag):
    return f"{tag}_{uuid.uuid4().hex[:8]}"


def test_dataset_client_lifecycle(client):
    ds = client.create_dataset_and_wait(
        datasetName=name("sdk"),
        schemaType=SCHEMA,
        source={"inlineExamples": {"examples": [scenario("TC-01", "Transfer $100", "Transfer complete.")]}},
    )
    assert ds["status"] == "ACTIVE" and ds["exampleCount"] == 1 and ds["datasetVersion"] == "DRAFT"
    dataset_id = ds["datasetId"]

    ds = client.add_examples_and_wait(
        datasetId=dataset_id,
        source={"inlineExamples": {"examples": [scenario("TC-02", "Balance?", "You have $5.")]}},
    )
    assert ds["exampleCount"] == 2 and ds["draftStatus"] == "MODIFIED"

    ds = client.create_dataset_version_and_wait(datasetId=dataset_id)
    assert ds["draftStatus"] == "UNMODIFIED"
    versions = client.list_dataset_versions(datasetId=dataset_id)["versions"]
    assert [v["datasetVersion"] for v in versions] == ["1"] and versions[0]["exampleCount"] == 2

    examples = client.list_dataset_examples(datasetId=dataset_id)["examples"]
    assert [e["scenario_id"] for e in examples] == ["TC-01", "TC-02"]
    first = dict(examples[0], turns=[{"input": "Transfer $200", "expected_response": "Transfer complete."}])
    client.update_examples_and_wait(datasetId=dataset_id, examples=[first])
    client.delete_examples_and_wait(datasetId=dataset_id, exampleIds=[examples[1]["exampleId"]])

    draft = client.list_dataset_examples(datasetId=dataset_id)["examples"]
    assert len(draft) == 1 and draft[0]["turns"][0]["input"] == "Transfer $200"
    v1 = client.list_dataset_examples(datasetId=dataset_id, datasetVersion="1")
    assert v1["datasetVersion"] == "1" and len(v1["examples"]) == 2 and v1["examples"][0]["turns"][0]["input"] == "Transfer $100"

    client.update_dataset(datasetId=dataset_id, description="banking suite")
    listed = {d["datasetId"]: d for d in client.list_datasets()["datasets"]}
    assert listed[dataset_id]["description"] == "banking suite"

    client.delete_dataset_and_wait(datasetId=dataset_id, datasetVersion="1")
    assert client.list_dataset_versions(datasetId=dataset_id)["versions"] == []
    client.delete_dataset_and_wait(datasetId=dataset_id)
    with pytest.raises(ClientError) as err:
        client.get_dataset(datasetId=dataset_id)
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_boto3_bad_examples():
    c = boto3.client("bedrock-agentcore-control", region_name=REGION, endpoint_url=ENDPOINT)
    with pytest.raises(ClientError) as err:
        c.create_dataset(datasetName=name("bad"), schemaType=SCHEMA,
                         source={"inlineExamples": {"examples": [{"scenario_id": "X", "turns": []}]}})
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "turns" in err.value.response["Error"]["Message"]
