"""Settings of the test suite: the production settings (DEBUG off) with the HTTPS redirect off,
because the test client speaks plain HTTP. tests/config/test_security_settings.py checks the
production default (redirect on) and the redirect behind a proxy."""

from config import settings as production

globals().update({name: value for name, value in vars(production).items() if name.isupper()})

SECURE_SSL_REDIRECT = False

# The page tests apply on fixed days of 2026 (the rule data's scenarios), whatever day the suite
# runs; tests/attachment/test_receipt_date.py sets the production number of days back.
RECEIPT_DATE_GRACE_DAYS = 100 * 366
