"""The two pages ipapp's first load is compared with:

  * the blank Reflex app (scripts/blank_reflex_app: Reflex's own blank template, the same Reflex
    version), built with `reflex export` into the artifacts directory's blank-web/ and served by
    its serve.py as ipapp.serve serves ipapp (the export and the backend on one port);
  * a static page of the same overview content: the overview as rendered for its signed-in
    owner, saved as HTML without its scripts, and served by a tiny static server with ipapp's
    own stylesheet and icons (the build's precompressed files, as ipapp serves them).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import devserver

BLANK_APP = Path(__file__).resolve().parent / "blank_reflex_app"
STAMP = "blank-build.json"


class BlankApp:
    def __init__(self, artifacts: Path):
        self.web_dir = artifacts / "blank-web"
        self.log_path = artifacts / "blank-build.log"
        self.process: subprocess.Popen | None = None
        self.port = self._last_port() or devserver.free_port()

    def _last_port(self) -> int | None:
        """The port of the last build when it is free: that build is reused."""
        stamp = self.web_dir / STAMP
        port = json.loads(stamp.read_text()).get("port") if stamp.exists() else None
        return port if isinstance(port, int) and devserver.port_is_free(port) else None

    def _env(self) -> dict:
        return devserver.tool_env({"REFLEX_WEB_WORKDIR": str(self.web_dir), "REFLEX_BACKEND_PORT": str(self.port),
                                   "REFLEX_FRONTEND_PORT": str(self.port), "PORT": str(self.port)})

    def ensure_build(self) -> None:
        """Build once per port (a build bakes its port in), like devserver.ensure_build."""
        stamp = self.web_dir / STAMP
        sources = sorted(str(p.stat().st_mtime_ns) for p in BLANK_APP.rglob("*.py"))
        wanted = {"port": self.port, "sources": sources}
        if stamp.exists() and (self.web_dir / "build" / "client" / "index.html").exists() \
                and json.loads(stamp.read_text()) == wanted:
            return
        devserver.log(f"building the blank Reflex app for port {self.port}; log: {self.log_path}")
        self.web_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as out:
            subprocess.run(["reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"], cwd=BLANK_APP,
                           env=self._env(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           timeout=20 * 60, check=True)
        stamp.write_text(json.dumps(wanted))

    def start(self) -> str:
        self.ensure_build()
        self.process = subprocess.Popen([sys.executable, "serve.py"], cwd=BLANK_APP, env=self._env(),
                                        stdout=(self.web_dir.parent / "blank-server.log").open("w"),
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        server = devserver.Server(self.port, self.web_dir, None, {})
        server.process = self.process  # only to wait for /ping
        server.wait_until_up(120)
        return f"http://localhost:{self.port}"

    def stop(self) -> None:
        if self.process is not None:
            server = devserver.Server(self.port, self.web_dir, None, {})
            server.process, self.process = self.process, None
            server.stop()


# --- the static page

def save_overview(playwright, chrome_port: int, url: str, out_dir: Path) -> int:
    """The signed-in overview as the browser shows it once loaded, without scripts; its bytes."""
    browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{chrome_port}")
    page = browser.contexts[0].new_page()
    try:
        page.goto(f"{url}/")
        page.get_by_role("heading", name="Mål og tiltak").wait_for(state="visible", timeout=60_000)
        page.wait_for_load_state("networkidle")
        html = page.evaluate("'<!DOCTYPE html>' + document.documentElement.outerHTML")
    finally:
        page.close()
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S | re.I)
    html = re.sub(r"<link\b[^>]*rel=\"modulepreload\"[^>]*>", "", html, flags=re.I)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "index.html").write_text(html)
    return len(html.encode())


class _Handler(SimpleHTTPRequestHandler):
    """The saved page at /, anything else from the build; .br/.gz beside a file when accepted."""

    def __init__(self, *args, page: Path, build: Path, **kwargs):
        self.page, self.build = page, build
        super().__init__(*args, directory=str(build), **kwargs)

    def log_message(self, *_args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?", 1)[0]
        target = self.page if path in ("/", "/index.html") else self.build / path.lstrip("/")
        if ".." in path or not target.is_file():
            self.send_error(404)
            return
        accepted = self.headers.get("Accept-Encoding", "")
        body, encoding = target.read_bytes(), None
        for suffix, name in ((".br", "br"), (".gz", "gzip")):
            packed = target.with_name(target.name + suffix)
            if name in accepted and packed.is_file():
                body, encoding = packed.read_bytes(), name
                break
        if target == self.page and encoding is None and "gzip" in accepted:
            import gzip

            body, encoding = gzip.compress(body), "gzip"
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(target)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class StaticPage:
    def __init__(self, page_dir: Path, web_dir: Path):
        handler = partial(_Handler, page=page_dir / "index.html", build=web_dir / "build" / "client")
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://localhost:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
