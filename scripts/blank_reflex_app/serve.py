"""Serve the blank app's export and its backend on one port, as ipapp.serve serves ipapp's
(REFLEX_WEB_WORKDIR names the build; run with this directory as the working directory)."""

import os

from reflex.utils import exec as reflex_exec
from reflex_base import constants
from reflex_base.environment import environment

if __name__ == "__main__":
    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)
    reflex_exec.run_backend_prod(os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"]),
                                 constants.LogLevel.WARNING, True)
