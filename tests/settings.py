"""Settings of the test suite: the production settings (DEBUG off) with the HTTPS redirect off,
because the test client speaks plain HTTP. tests/config/test_security_settings.py checks the
production default (redirect on) and the redirect behind a proxy."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: E402, F403
