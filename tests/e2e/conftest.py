"""Real-browser tests: Debian's headless Chromium, driven by Playwright, against a live server.

Playwright never downloads a browser here; we point it at the system Chromium. One browser is
shared by the session; each test gets a fresh context (cookies, storage) and page.
"""

import os
import re
from pathlib import Path

from django.contrib.auth.models import Group

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright

from accounts.roles import Role

E2E_DIR = Path(__file__).parent
ARTIFACTS = E2E_DIR.parent.parent / ".e2e-artifacts"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the test runner is root here, and Chromium's sandbox refuses root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag: 2.2's new A rules are
# filed under wcag22aa or have no automated check).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}

# Every page every e2e test opens reports each Content-Security-Policy violation to the test
# (init scripts and bindings run outside the page's policy), so a blocked script or style fails
# the test that met it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: location.href,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: `${event.sourceFile}:${event.lineNumber}`,
    sample: event.sample,
  });
});
"""

# Auto-waiting assertions fail fast enough on a live server that answers in milliseconds.
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items):
    # This hook sees every collected item, not only ours: mark just the ones in this folder.
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if not os.access(path, os.X_OK):
        message = (
            f"Chromium not found at {path}; install Debian packages chromium and "
            "chromium-driver (.ci/run does)"
        )
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but {message}", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    # Playwright's sync API keeps an asyncio event loop running in this thread, so Django would
    # refuse every ORM call the test (or pytest-django's flush) makes with
    # SynchronousOnlyOperation. Nothing here is async code: only the check misfires. Scoped to
    # the browser's lifetime so tests that run before the e2e ones keep the check.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def site(live_server, home_page):
    """The live server with a home page. Transactional tests flush every table between tests;
    home_page rebuilds the page tree, and the roles must come back by themselves (post_migrate)
    because sign-up puts every new person in the Learner group."""
    assert Group.objects.filter(name=Role.LEARNER.value).exists(), (
        "Group 'Learner' is missing after the database flush: accounts.roles_sync_after_migrate "
        "did not run on post_migrate, so every sign-up would fail."
    )
    return live_server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so page fixtures can tell whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def csp_violations() -> list[dict]:
    """The Content-Security-Policy violations the test's pages reported, in order."""
    return []


@pytest.fixture
def new_page(request, browser, site, csp_violations):
    """new_page(**context_options) opens a page in a fresh browser context on the live server.

    The test fails if any of its pages reported a CSP violation. When the test fails, each
    page's screenshot and HTML go to .e2e-artifacts/ for CI to keep."""
    contexts = []

    def make(**context_options) -> Page:
        context = browser.new_context(base_url=site.url, **context_options)
        context.set_default_timeout(10_000)
        # Lessons report time on page with a beacon when the page is hidden, which includes the
        # test closing it; the live server would then write while the database is flushed for
        # the next test. No e2e test is about that beacon (tests/courses cover the endpoint);
        # without it, the page's time still reaches the server with "Mark as complete".
        context.add_init_script("delete Navigator.prototype.sendBeacon")
        context.expose_binding("__cspViolation", lambda _, report: csp_violations.append(report))
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "report_call", None) and request.node.report_call.failed
    for number, context in enumerate(contexts):
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[1])
            for page in context.pages:
                page.screenshot(path=ARTIFACTS / f"{name}-{number}.png", full_page=True)
                (ARTIFACTS / f"{name}-{number}.html").write_text(page.content())
        context.close()
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(
        f"- {v['page']}: {v['directive']} blocked {v['blocked'] or 'inline'} "
        f"at {v['source']} {v['sample']!r}"
        for v in csp_violations
    )


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def phone_page(new_page) -> Page:
    return new_page(viewport=PHONE, is_mobile=True, has_touch=True)


def _describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    """axe(page) asserts the page as rendered now has no WCAG 2.2 A/AA violations."""
    engine = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}

    def check(page: Page) -> None:
        violations = engine.run(page, options=options).response["violations"]
        assert not violations, f"{page.url}\n{_describe(violations)}"

    return check
