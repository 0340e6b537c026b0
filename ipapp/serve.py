"""Serve the already-built production frontend and the backend on one port, without rebuilding.

`reflex run --env prod` always rebuilds the frontend; this starts only the backend and mounts the
bundle that `reflex export` left in .web/build/client.
"""

import os
import sys


def main() -> None:
    port = int(os.environ.get("PORT", "3000"))
    host = os.environ.get("HOST", "127.0.0.1")
    from reflex_base.environment import environment
    from reflex_base import constants
    from reflex.utils import exec as reflex_exec

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    reflex_exec.run_backend_prod(host, port, constants.LogLevel.WARNING, True)


if __name__ == "__main__":
    sys.exit(main())
