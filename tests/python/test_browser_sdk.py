"""AgentCore Browser through the unmodified bedrock-agentcore SDK
(browser_session, BrowserClient), Playwright for Python and boto3, used as
their docs show.

internal/e2e/browser_clients_test.go starts a server with --tls-listen and
runs this file with the one-time set-up `agentcore certs` prints, inside a
mount namespace whose /etc/hosts maps agentcore.local.amazonaws.com to
127.0.0.1 (testenv.WithHosts):

    BEDROCK_AGENTCORE_DP_ENDPOINT / _CP_ENDPOINT = https://agentcore.local.amazonaws.com:<port>
    AWS_ENDPOINT_URL_BEDROCK_AGENTCORE[_CONTROL] = the same (boto3 clients)
    AWS_CA_BUNDLE, SSL_CERT_FILE, NODE_EXTRA_CA_CERTS = the server's local CA
    AGENTCORE_TEST_BROWSER=1, AGENTCORE_TEST_TLS_SPKI = base64 SHA-256 of the CA's public key

The SDK builds the automation (wss://) and live-view (https://) URLs only
from such an endpoint (SDK >= 1.6.3). Playwright launches no browser of its
own except the live-view viewer, Debian's Chromium (AGENTCORE_TEST_CHROMIUM),
which trusts the CA through --ignore-certificate-errors-spki-list. The pages
are served by this process on loopback (browser_pages.py): the sessions run
under the process sandbox driver, whose Chromium shares the host's loopback.
"""

import os
import struct
import time
import uuid

import pytest

DP = os.environ.get("BEDROCK_AGENTCORE_DP_ENDPOINT", "")
pytestmark = pytest.mark.skipif(
    not DP.startswith("https://") or not os.environ.get("AGENTCORE_TEST_BROWSER"),
    reason="needs a server with the Browser and --tls-listen (internal/e2e/browser_clients_test.go)",
)
REGION = "us-east-1"
HOST = DP.removeprefix("https://")
CHROMIUM = os.environ.get("AGENTCORE_TEST_CHROMIUM", "/usr/lib/chromium/chromium")
SPKI = os.environ.get("AGENTCORE_TEST_TLS_SPKI", "")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(data):
    assert data[:8] == PNG_MAGIC, data[:16]
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def pages():
    from browser_pages import Pages

    p = Pages()
    yield p
    p.close()


@pytest.fixture(scope="module")
def pw():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def data():
    import boto3

    return boto3.client("bedrock-agentcore", region_name=REGION)


@pytest.fixture(scope="module")
def control():
    import boto3

    return boto3.client("bedrock-agentcore-control", region_name=REGION)


def connect(pw, client):
    """Playwright over the session's automation stream, as the SDK's samples do."""
    ws_url, headers = client.generate_ws_headers()
    browser = pw.chromium.connect_over_cdp(ws_url, headers=headers)
    return browser, browser.contexts[0].pages[0]


def test_playwright_over_sdk_stream(pw, pages, data):
    from bedrock_agentcore.tools.browser_client import browser_session

    with browser_session(REGION, viewport={"width": 1280, "height": 800}) as client:
        sid = client.session_id
        ws_url, headers = client.generate_ws_headers()
        base = f"/browser-streams/aws.browser.v1/sessions/{sid}"
        assert ws_url == f"wss://{HOST}{base}/automation"
        assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 ") and headers["Host"] == HOST

        # The API's streams point at this listener: wss:// because the request came over TLS.
        got = client.get_session()
        assert got["status"] == "READY"
        assert got["streams"]["automationStream"] == {"streamEndpoint": ws_url, "streamStatus": "ENABLED"}
        assert got["streams"]["liveViewStream"]["streamEndpoint"] == f"https://{HOST}{base}/live-view"
        assert got["viewPort"] == {"width": 1280, "height": 800}

        browser = pw.chromium.connect_over_cdp(ws_url, headers=headers)
        assert len(browser.contexts) >= 1 and len(browser.contexts[0].pages) >= 1
        page = browser.contexts[0].pages[0]
        page.goto(pages.url + "/form")
        assert page.title() == "agentcore browser test"
        assert page.inner_text("#greeting") == "Hello from the test page"
        page.fill("#name", "Ada Lovelace")
        page.fill("#email", "ada@example.test")
        with page.expect_navigation():
            page.click("#send")
        assert page.inner_text("#result") == "Thanks, Ada Lovelace (ada@example.test)"
        assert pages.submissions[-1] == {"name": "Ada Lovelace", "email": "ada@example.test"}
        assert "Chrome/" in pages.user_agents[-1], pages.user_agents[-1]

        shot = page.screenshot()
        assert png_size(shot) == (1280, 800)
        browser.close()

    # Stopped: TERMINATED, and its stream refuses.
    assert data.get_browser_session(browserIdentifier="aws.browser.v1", sessionId=sid)["status"] == "TERMINATED"
    from playwright.sync_api import Error as PlaywrightError

    with pytest.raises(PlaywrightError):
        pw.chromium.connect_over_cdp(ws_url, headers=headers, timeout=15000)


def test_take_and_release_control(pw, pages):
    from bedrock_agentcore.tools.browser_client import browser_session
    from playwright.sync_api import Error as PlaywrightError

    with browser_session(REGION) as client:
        browser, page = connect(pw, client)
        page.goto(pages.url + "/form")

        client.take_control()
        assert client.get_session()["streams"]["automationStream"]["streamStatus"] == "DISABLED"
        # The open automation connection is cut, and a new one is refused while control is taken.
        deadline = time.time() + 15
        while browser.is_connected() and time.time() < deadline:
            try:
                page.evaluate("1")
            except PlaywrightError:
                break
            time.sleep(0.2)
        with pytest.raises(PlaywrightError):
            page.evaluate("document.title")
        with pytest.raises(PlaywrightError):
            connect(pw, client)

        client.release_control()
        assert client.get_session()["streams"]["automationStream"]["streamStatus"] == "ENABLED"
        browser2, page2 = connect(pw, client)
        assert page2.url == pages.url + "/form"  # the same browser and page, kept while control was taken
        assert page2.inner_text("#greeting") == "Hello from the test page"
        browser2.close()


def center_color(page):
    """The colour at the centre of the live view's picture (canvas, img or video), or None."""
    return page.evaluate(
        """() => {
        for (const el of document.querySelectorAll('canvas, img, video')) {
          const w = el.naturalWidth || el.videoWidth || el.width, h = el.naturalHeight || el.videoHeight || el.height;
          if (!w || !h) continue;
          const c = document.createElement('canvas'); c.width = w; c.height = h;
          const g = c.getContext('2d'); g.drawImage(el, 0, 0);
          const d = g.getImageData(Math.floor(w / 2), Math.floor(h / 2), 1, 1).data;
          if (d[3] === 0) continue;
          return [d[0], d[1], d[2]];
        }
        return null;
      }"""
    )


def wait_color(page, want, limit=20):
    deadline, got = time.time() + limit, None
    while time.time() < deadline:
        got = center_color(page)
        if got and all(abs(a - b) <= 48 for a, b in zip(got, want)):
            return
        time.sleep(0.25)
    pytest.fail(f"live view shows {got}, want about {want}")


def test_live_view_in_a_second_chromium(pw, pages):
    from bedrock_agentcore.tools.browser_client import browser_session

    assert SPKI, "AGENTCORE_TEST_TLS_SPKI is not set"
    with browser_session(REGION, viewport={"width": 1024, "height": 768}) as client:
        browser, page = connect(pw, client)
        page.goto(pages.url + "/color/ff0000")

        live = client.generate_live_view_url(expires=300)
        assert live.startswith(f"https://{HOST}/browser-streams/aws.browser.v1/sessions/{client.session_id}/live-view?")
        assert "X-Amz-Signature=" in live and "X-Amz-Expires=300" in live

        viewer = pw.chromium.launch(executable_path=CHROMIUM, args=[f"--ignore-certificate-errors-spki-list={SPKI}"])
        try:
            vpage = viewer.new_page(viewport={"width": 1280, "height": 900})
            resp = vpage.goto(live)
            assert resp.status == 200, resp.status
            wait_color(vpage, (255, 0, 0))
            # It is live: the viewer follows the automated page.
            page.goto(pages.url + "/color/00c000")
            wait_color(vpage, (0, 192, 0))
            page.goto(pages.url + "/color/0000ff")
            wait_color(vpage, (0, 0, 255))

            # A tampered URL is refused.
            bad = viewer.new_page()
            assert bad.goto(live.replace("X-Amz-Signature=", "X-Amz-Signature=0")).status == 403
        finally:
            viewer.close()
        browser.close()


def test_invoke_browser_actions(pw, pages, data):
    from bedrock_agentcore.tools.browser_client import browser_session

    with browser_session(REGION, viewport={"width": 1280, "height": 800}) as client:
        browser, page = connect(pw, client)
        page.goto(pages.url + "/typing")
        ids = {"browserIdentifier": client.identifier, "sessionId": client.session_id}

        def invoke(action):
            resp = data.invoke_browser(action=action, **ids)
            assert resp["sessionId"] == client.session_id
            (kind, result), = resp["result"].items()
            assert kind == next(iter(action)) and result["status"] == "SUCCESS", result
            return result

        invoke({"mouseClick": {"x": 100, "y": 30, "button": "LEFT", "clickCount": 1}})
        invoke({"keyType": {"text": "typed by InvokeBrowser"}})
        assert page.input_value("#box") == "typed by InvokeBrowser"
        invoke({"mouseMove": {"x": 600, "y": 400}})
        invoke({"mouseScroll": {"x": 600, "y": 400, "deltaY": 100}})

        shot = invoke({"screenshot": {"format": "PNG"}})
        assert png_size(shot["data"]) == (1280, 800)

        before = len(pages.submissions)
        with page.expect_navigation():
            invoke({"keyPress": {"key": "Enter"}})
        assert len(pages.submissions) == before + 1 and pages.submissions[-1] == {"box": "typed by InvokeBrowser"}

        # Coordinates outside the viewport are refused.
        with pytest.raises(data.exceptions.ValidationException):
            data.invoke_browser(action={"mouseClick": {"x": 5000, "y": 30}}, **ids)
        browser.close()


def test_profile_keeps_cookies_and_local_storage(pw, pages, data, control):
    from bedrock_agentcore.tools.browser_client import browser_session

    name = "sdkprofile_" + uuid.uuid4().hex[:8]
    profile = control.create_browser_profile(name=name)
    pid = profile["profileId"]
    assert pid.startswith(name + "-") and profile["status"]
    value = uuid.uuid4().hex
    try:
        with browser_session(REGION) as first:
            browser, page = connect(pw, first)
            page.goto(pages.url + f"/cookie/set?v={value}")
            assert page.inner_text("#done") == "set"
            assert f"agentcore_profile={value}" in page.evaluate("document.cookie")
            saved = data.save_browser_session_profile(
                profileIdentifier=pid, browserIdentifier=first.identifier, sessionId=first.session_id
            )
            assert saved["profileIdentifier"] == pid and saved["sessionId"] == first.session_id
            browser.close()
            first_sid = first.session_id

        got = control.get_browser_profile(profileId=pid)
        assert got["lastSavedBrowserSessionId"] == first_sid and got["lastSavedBrowserId"] == "aws.browser.v1"

        with browser_session(REGION, profile_configuration={"profileIdentifier": pid}) as second:
            browser, page = connect(pw, second)
            page.goto(pages.url + "/cookie/show")
            assert page.inner_text("#cookie") == f"agentcore_profile={value}"
            assert page.inner_text("#storage") == value
            browser.close()

        # A session without the profile starts clean.
        with browser_session(REGION) as third:
            browser, page = connect(pw, third)
            page.goto(pages.url + "/cookie/show")
            assert page.inner_text("#cookie") == "" and page.inner_text("#storage") == ""
            browser.close()
    finally:
        control.delete_browser_profile(profileId=pid)
