"""Flask extensions, created unbound and initialised in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Rate limits (login, MFA, activation): storage from RATELIMIT_STORAGE_URL, see casebook.auth.lockout.
limiter = Limiter(key_func=get_remote_address)
