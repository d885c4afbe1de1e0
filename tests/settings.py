"""Settings of the test suite: the production settings (DEBUG off) with the HTTPS redirect off,
because the test client speaks plain HTTP. tests/config/test_security_settings.py checks the
production default (redirect on) and the redirect behind a proxy."""

from config import settings as production

globals().update({name: value for name, value in vars(production).items() if name.isupper()})

SECURE_SSL_REDIRECT = False
