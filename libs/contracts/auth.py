"""Sign-in, users, API tokens and the signing key: ``rpc.auth.*`` and ``evt.auth.*``.

The gateway checks who may call what before it asks; the auth service enforces what must hold
whatever the caller (password rules, the last enabled admin, disabled accounts).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from libs.contracts.base import Empty, Event
from libs.contracts.registry import declare

Role = Literal["admin", "operator", "viewer"]
AuthSource = Literal["local", "proxy", "token"]


class Principal(msgspec.Struct, kw_only=True):
    """Who a request acts for, as the gateway hands it to the route handlers."""

    username: str
    role: Role
    must_change_password: bool
    auth_source: AuthSource
    created_at: str
    last_login_at: str | None = None


class User(msgspec.Struct, kw_only=True):
    username: str
    role: Role
    disabled: bool
    must_change_password: bool
    auth_source: Literal["local", "proxy"]
    created_at: str
    last_login_at: str | None = None


class UserList(msgspec.Struct):
    users: list[User]


class SignedToken(msgspec.Struct, kw_only=True):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    must_change_password: bool


# Bounds on what a sign-in attempt may carry, so junk cannot fill the failed-login table or the log.
LoginName = Annotated[str, msgspec.Meta(max_length=256)]
LoginPassword = Annotated[str, msgspec.Meta(max_length=4096)]


class LoginRequest(msgspec.Struct, kw_only=True):
    username: LoginName
    password: LoginPassword
    # The address the attempt came from, for the failed-login buckets and the log.
    ip: str


class PasswordChange(msgspec.Struct, kw_only=True):
    username: str
    current_password: str
    new_password: str


class UserRef(msgspec.Struct, kw_only=True):
    username: str
    actor: str | None = None


class UserCreate(msgspec.Struct, kw_only=True):
    username: str
    password: str
    role: Role
    actor: str | None = None


class UserUpdate(msgspec.Struct, kw_only=True):
    username: str
    role: Role | None = None
    disabled: bool | None = None
    actor: str | None = None


class PasswordReset(msgspec.Struct, kw_only=True):
    username: str
    new_password: str
    actor: str | None = None


class ApiToken(msgspec.Struct, kw_only=True):
    id: str
    name: str
    prefix: str
    created_at: str
    expires_at: str | None = None
    last_used_at: str | None = None


class ApiTokenList(msgspec.Struct):
    tokens: list[ApiToken]


class NewApiToken(msgspec.Struct, kw_only=True):
    """The only reply that ever holds the token itself."""

    id: str
    name: str
    prefix: str
    token: str
    created_at: str
    expires_at: str | None = None


class TokenCreate(msgspec.Struct, kw_only=True):
    username: str
    name: str
    expires_in_days: int | None = None


class TokenRef(msgspec.Struct, kw_only=True):
    username: str
    id: str


class TokenCheck(msgspec.Struct, kw_only=True):
    token: str


class ProxyUser(msgspec.Struct, kw_only=True):
    username: str
    # Role given to a user seen for the first time (PROXY_AUTH_DEFAULT_ROLE of the asking gateway).
    default_role: Role


class PublicKey(msgspec.Struct, kw_only=True):
    algorithm: str
    key_id: str
    public_key_pem: str


class SessionVersions(msgspec.Struct):
    """Per user, the session version a sign-in token must carry at least to be alive."""

    versions: dict[str, int]


class LoginSucceeded(Event, kw_only=True):
    username: str
    ip: str
    auth_source: AuthSource


class LoginFailed(Event, kw_only=True):
    username: str
    ip: str
    reason: Literal["bad_credentials", "rate_limited", "disabled"]


class SessionsEnded(Event, kw_only=True):
    """Every sign-in token of ``username`` with a session version below ``version`` is dead."""

    username: str
    version: int
    reason: Literal["logout", "password_changed", "password_reset", "role_changed", "disabled", "deleted"]


class UserChanged(Event, kw_only=True):
    username: str
    change: Literal["created", "role_changed", "disabled", "enabled", "deleted", "password_changed", "password_reset"]
    role: Role | None = None


class TokenRevoked(Event, kw_only=True):
    username: str
    token_id: str


class SigningKeyLoaded(Event, kw_only=True):
    """Auth (re)started with this key; gateways fetch it again, so a replaced key ends old tokens."""

    key_id: str
    created: bool


PUBLIC_KEY = declare("rpc", "rpc.auth.public_key", Empty, "The Ed25519 public key sign-in tokens are verified with.", PublicKey)
SESSIONS = declare("rpc", "rpc.auth.sessions", Empty, "Minimum session version per user (revocations).", SessionVersions)
LOGIN = declare("rpc", "rpc.auth.login", LoginRequest, "Check a password and issue a sign-in token.", SignedToken)
LOGOUT = declare("rpc", "rpc.auth.logout", UserRef, "End every sign-in token of a user issued so far.", Empty)
CHANGE_PASSWORD = declare(
    "rpc", "rpc.auth.password.change", PasswordChange, "Change one's own password; ends earlier tokens.", SignedToken
)
TOKEN_VERIFY = declare("rpc", "rpc.auth.tokens.verify", TokenCheck, "Who an API token acts for, or unauthorized.", Principal)
TOKENS_LIST = declare("rpc", "rpc.auth.tokens.list", UserRef, "A user's API tokens (never the tokens themselves).", ApiTokenList)
TOKENS_CREATE = declare("rpc", "rpc.auth.tokens.create", TokenCreate, "Create an API token; the reply is the only copy.", NewApiToken)
TOKENS_DELETE = declare("rpc", "rpc.auth.tokens.delete", TokenRef, "Revoke one of a user's API tokens.", Empty)
PROXY_USER = declare(
    "rpc", "rpc.auth.proxy_user", ProxyUser, "The user named by a trusted proxy header, created on first sight.", Principal
)
USERS_LIST = declare("rpc", "rpc.auth.users.list", Empty, "Every user.", UserList)
USERS_CREATE = declare("rpc", "rpc.auth.users.create", UserCreate, "Create a local user.", User)
USERS_UPDATE = declare("rpc", "rpc.auth.users.update", UserUpdate, "Change a user's role or disable/enable it.", User)
USERS_RESET_PASSWORD = declare(
    "rpc", "rpc.auth.users.reset_password", PasswordReset, "Set a user's password; it must be changed at next sign-in.", User
)
USERS_DELETE = declare("rpc", "rpc.auth.users.delete", UserRef, "Delete a user and its API tokens.", Empty)

LOGIN_SUCCEEDED = declare("event", "evt.auth.login_succeeded", LoginSucceeded, "A user signed in with a password.")
LOGIN_FAILED = declare("event", "evt.auth.login_failed", LoginFailed, "A sign-in was refused (never carries the password).")
SESSIONS_ENDED = declare(
    "event", "evt.auth.sessions_ended", SessionsEnded, "A user's earlier sign-in tokens were ended; gateways refuse them."
)
USER_CHANGED = declare("event", "evt.auth.user_changed", UserChanged, "A user was created, changed or deleted.")
TOKEN_REVOKED = declare("event", "evt.auth.token_revoked", TokenRevoked, "An API token was revoked; gateways forget it.")
SIGNING_KEY_LOADED = declare(
    "event", "evt.auth.signing_key_loaded", SigningKeyLoaded, "The auth service started with this signing key."
)
