"""Serve the already-built production frontend and the backend on one port, without rebuilding.

`reflex run --env prod` always rebuilds the frontend; this starts only the backend and mounts the
bundle that `reflex export` left in .web/build/client. Before anything starts, the settings and
the database are checked: a problem stops it with one line, and nothing is written.
"""

import os
import sys

from ipapp.config import ConfigError, load_settings
from ipapp.startup import StartupError, check_database

def main() -> int:
    port = int(os.environ.get("PORT", "3000"))
    host = os.environ.get("HOST", "127.0.0.1")
    try:
        check_database(load_settings())
    except (ConfigError, StartupError) as problem:
        print(f"ipapp: {problem}", file=sys.stderr)
        return 2
    from reflex.utils import exec as reflex_exec
    from reflex.utils import prerequisites
    from reflex_base import constants
    from reflex_base.environment import environment

    # REFLEX_WEB_WORKDIR may point elsewhere (the tests keep their own build).
    if not (prerequisites.get_web_dir() / constants.Dirs.STATIC / "index.html").exists():
        print("ipapp: the frontend is not built: run `make run`.", file=sys.stderr)
        return 2

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    reflex_exec.run_backend_prod(host, port, constants.LogLevel.WARNING, True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
