"""The auth service: users, password hashes, roles, API tokens and the token signing key."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone

from libs.contracts.auth import (
    LOGIN_FAILED,
    LOGIN_SUCCEEDED,
    SESSIONS_ENDED,
    SIGNING_KEY_LOADED,
    TOKEN_REVOKED,
    USER_CHANGED,
    ApiTokenList,
    LoginFailed,
    LoginRequest,
    LoginSucceeded,
    NewApiToken,
    PasswordChange,
    PasswordReset,
    Principal,
    ProxyUser,
    PublicKey,
    SessionsEnded,
    SessionVersions,
    SignedToken,
    SigningKeyLoaded,
    TokenCheck,
    TokenCreate,
    TokenRef,
    TokenRevoked,
    User,
    UserChanged,
    UserCreate,
    UserList,
    UserRef,
    UserUpdate,
)
from libs.contracts.base import Empty, Event, iso, new_id, utc_now
from libs.contracts.envelope import RpcError
from libs.contracts.registry import Contract
from libs.contracts.tickets import TICKET_AUDIENCE, TICKET_SECONDS, Ticket, TicketCreate
from libs.runtime import Service, rpc
from services.auth import api_tokens, attempts, users
from services.auth.passwords import Passwords
from services.auth.rules import password_problem, printable, username_problem
from services.auth.schema import MIGRATIONS
from services.auth.signing import ALGORITHM, KeyFileError, issue, load_or_create
from services.auth.users import UserRow

log = logging.getLogger("auth")

BAD_CREDENTIALS = "wrong user name or password"
ACCOUNT_DISABLED = "this account is disabled; ask an admin to enable it"
MAX_TOKEN_DAYS = 3650


class AuthService(Service):
    name = "auth"
    migrations = MIGRATIONS

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        # Loaded before any entry point answers: gateways ask for the public key first thing.
        try:
            self.key = load_or_create(self.settings.data_dir / ".secret_key")
        except KeyFileError as exc:
            log.critical("%s", exc)
            raise SystemExit(2) from None
        self.passwords = Passwords()
        # Checks such as "the last enabled admin" and the change they guard must not interleave.
        self.writes = asyncio.Lock()
        self.ready = asyncio.Event()

    async def start(self) -> None:
        if await users.count(self.db) == 0:
            await users.insert(
                self.db,
                username="admin",
                password_hash=await self.passwords.hash(self.settings.initial_admin_password),
                role="admin",
                must_change_password=True,
                auth_source="local",
                created_at=utc_now(),
            )
            log.info("created the first user 'admin'; its password must be changed at the first sign-in")
        self.ready.set()
        await self._publish(SIGNING_KEY_LOADED, SigningKeyLoaded(key_id=self.key.key_id, created=self.key.created))

    async def stop(self) -> None:
        self.passwords.close()

    @rpc("health")
    async def health(self, request: Empty):  # type: ignore[override]
        # Healthy only once the first admin exists, so nobody's first sign-in races the start.
        await self.ready.wait()
        return await super().health(request)

    # --- helpers -----------------------------------------------------------------------------

    async def _publish(self, contract: Contract, event: Event) -> None:
        try:
            await self.bus.publish_event(contract.subject, event)
        except Exception as exc:  # the change itself is stored; gateways also resynchronise
            log.warning("could not publish %s: %s", contract.subject, exc)

    async def _user(self, username: str) -> UserRow:
        user = await users.get(self.db, username)
        if user is None:
            raise RpcError("not_found", f"no user named {username}")
        return user

    def _sign(self, user: UserRow, version: int, last_login_at: str | None) -> SignedToken:
        claims = {
            "sub": user.username,
            "role": user.role,
            "sv": version,
            "mcp": user.must_change_password,
            "ca": user.created_at,
            "ll": last_login_at,
        }
        token = issue(self.key, claims, self.settings.token_ttl)
        return SignedToken(access_token=token, expires_in=self.settings.token_ttl, must_change_password=user.must_change_password)

    async def _end_sessions(self, username: str, reason: str, actor: str | None) -> int:
        version = await users.bump_session_version(self.db, username)
        await self._publish(
            SESSIONS_ENDED, SessionsEnded(username=username, version=version, reason=reason, actor=actor)  # type: ignore[arg-type]
        )
        return version

    async def _refuse_login(self, username: str, ip: str, reason: str) -> None:
        log.warning("authentication failed user=%s ip=%s reason=%s", printable(username), printable(ip), reason)
        await self._publish(LOGIN_FAILED, LoginFailed(username=username[:64], ip=ip, reason=reason))  # type: ignore[arg-type]

    def _check_new_password(self, username: str, password: str) -> None:
        problem = password_problem(username, password)
        if problem:
            raise RpcError("invalid", problem, {"field": "new_password"})

    async def _check_not_last_admin(self, user: UserRow, action: str) -> None:
        if user.role == "admin" and not user.disabled and await users.enabled_admins_besides(self.db, user.username) == 0:
            raise RpcError("conflict", f"{user.username} is the last enabled admin and cannot be {action}")

    # --- signing key and revocations ----------------------------------------------------------

    @rpc("public_key")
    async def public_key(self, _: Empty) -> PublicKey:
        return PublicKey(algorithm=ALGORITHM, key_id=self.key.key_id, public_key_pem=self.key.public_pem)

    @rpc("sessions")
    async def sessions(self, _: Empty) -> SessionVersions:
        return SessionVersions(await users.session_versions(self.db))

    # --- signing in -----------------------------------------------------------------------------

    @rpc("login", LoginRequest)
    async def login(self, req: LoginRequest) -> SignedToken:
        await self.ready.wait()
        now = time.time()
        wait = await attempts.blocked_for(self.db, req.username, req.ip, now)
        if wait is not None:
            await self._refuse_login(req.username, req.ip, "rate_limited")
            raise RpcError(
                "rate_limited", f"too many failed sign-ins; try again in {wait} seconds", {"retry_after": wait}
            )
        user = await users.get(self.db, req.username) if username_problem(req.username) is None else None
        matched = await self.passwords.verify(user.password_hash if user else None, req.password)
        if user is None or not matched:
            await attempts.record_failure(self.db, req.username, req.ip, now)
            await self._refuse_login(req.username, req.ip, "bad_credentials")
            raise RpcError("unauthorized", BAD_CREDENTIALS)
        if user.disabled:
            await self._refuse_login(req.username, req.ip, "disabled")
            raise RpcError("forbidden", ACCOUNT_DISABLED)
        await attempts.clear(self.db, req.username, req.ip)
        fields: dict[str, object] = {"last_login_at": utc_now()}
        if user.password_hash and self.passwords.needs_rehash(user.password_hash):
            fields["password_hash"] = await self.passwords.hash(req.password)
        await users.update(self.db, user.username, **fields)
        version = await users.session_version(self.db, user.username)
        signed = self._sign(user, version, str(fields["last_login_at"]))
        await self._publish(LOGIN_SUCCEEDED, LoginSucceeded(username=user.username, ip=req.ip, auth_source="local"))
        return signed

    @rpc("logout", UserRef)
    async def logout(self, req: UserRef) -> Empty:
        user = await self._user(req.username)
        await self._end_sessions(user.username, "logout", req.actor or user.username)
        return Empty()

    @rpc("password.change", PasswordChange)
    async def change_password(self, req: PasswordChange) -> SignedToken:
        user = await self._user(req.username)
        if not user.password_hash:
            raise RpcError("invalid", "this account signs in through the proxy and has no password here")
        if not await self.passwords.verify(user.password_hash, req.current_password):
            raise RpcError("unauthorized", "the current password is wrong")
        self._check_new_password(user.username, req.new_password)
        new_hash = await self.passwords.hash(req.new_password)
        async with self.writes:
            await users.update(self.db, user.username, password_hash=new_hash, must_change_password=False)
            version = await self._end_sessions(user.username, "password_changed", user.username)
        await self._publish(USER_CHANGED, UserChanged(username=user.username, change="password_changed", actor=user.username))
        log.info("user %s changed their password", user.username)
        fresh = await self._user(user.username)
        return self._sign(fresh, version, fresh.last_login_at)

    @rpc("proxy_user", ProxyUser)
    async def proxy_user(self, req: ProxyUser) -> Principal:
        await self.ready.wait()
        problem = username_problem(req.username)
        if problem:
            raise RpcError("unauthorized", f"the proxy's user header is not a valid user name: {problem}")
        now = utc_now()
        async with self.writes:
            user = await users.get(self.db, req.username)
            if user is None:
                await users.insert(
                    self.db,
                    username=req.username,
                    password_hash=None,
                    role=req.default_role,
                    must_change_password=False,
                    auth_source="proxy",
                    created_at=now,
                    last_login_at=now,
                )
                log.info("created user %s (role %s) on first sign-in through the proxy", req.username, req.default_role)
                await self._publish(USER_CHANGED, UserChanged(username=req.username, change="created", role=req.default_role))
                user = await self._user(req.username)
            elif not user.disabled:
                await users.update(self.db, user.username, last_login_at=now)
        if user.disabled:
            raise RpcError("forbidden", ACCOUNT_DISABLED)
        # The proxy vouched for the person; the local password (and its must-change flag) is not in play.
        return Principal(
            username=user.username,
            role=user.role,  # type: ignore[arg-type]
            must_change_password=False,
            auth_source="proxy",
            created_at=user.created_at,
            last_login_at=now,
        )

    # --- API tokens -------------------------------------------------------------------------------

    @rpc("tokens.verify", TokenCheck)
    async def verify_token(self, req: TokenCheck) -> Principal:
        owner = await api_tokens.owner_of(self.db, api_tokens.token_hash(req.token))
        now = datetime.now(timezone.utc)
        if owner is None or api_tokens.is_expired(owner.expires_at, now):
            raise RpcError("unauthorized", "the API token is unknown, revoked or expired")
        user = await self._user(owner.username)
        if user.disabled:
            raise RpcError("forbidden", ACCOUNT_DISABLED)
        await api_tokens.mark_used(self.db, owner.token_id, utc_now())
        return Principal(
            username=user.username,
            role=user.role,  # type: ignore[arg-type]
            must_change_password=user.must_change_password,
            auth_source="token",
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )

    @rpc("tickets.create", TicketCreate)
    async def create_ticket(self, req: TicketCreate) -> Ticket:
        user = await self._user(req.username)
        if user.disabled:
            raise RpcError("forbidden", ACCOUNT_DISABLED)
        # The current session version: ending the user's sessions ends the ticket too.
        version = await users.session_version(self.db, user.username)
        claims = {
            "aud": TICKET_AUDIENCE,
            "url": req.url,
            "sub": user.username,
            "role": user.role,
            "sv": version,
            "mcp": user.must_change_password and req.auth_source != "proxy",
            "src": req.auth_source,
        }
        return Ticket(ticket=issue(self.key, claims, TICKET_SECONDS), expires_in=TICKET_SECONDS)

    @rpc("tokens.list", UserRef)
    async def list_tokens(self, req: UserRef) -> ApiTokenList:
        return ApiTokenList(await api_tokens.of_user(self.db, req.username))

    @rpc("tokens.create", TokenCreate)
    async def create_token(self, req: TokenCreate) -> NewApiToken:
        user = await self._user(req.username)
        name = req.name.strip()
        if not 1 <= len(name) <= 100:
            raise RpcError("invalid", "a token needs a name of 1-100 characters", {"field": "name"})
        if req.expires_in_days is not None and not 1 <= req.expires_in_days <= MAX_TOKEN_DAYS:
            raise RpcError("invalid", f"expires_in_days must be between 1 and {MAX_TOKEN_DAYS}", {"field": "expires_in_days"})
        token, prefix, hashed = api_tokens.new_token()
        created = datetime.now(timezone.utc)
        created_at = iso(created)
        expires_at = api_tokens.expiry(created, req.expires_in_days)
        token_id = new_id()
        await api_tokens.insert(
            self.db, token_id=token_id, username=user.username, name=name, prefix=prefix, hashed=hashed,
            created_at=created_at, expires_at=expires_at,
        )
        log.info("user %s created API token %s (%s)", user.username, prefix, name)
        return NewApiToken(id=token_id, name=name, prefix=prefix, token=token, created_at=created_at, expires_at=expires_at)

    @rpc("tokens.delete", TokenRef)
    async def delete_token(self, req: TokenRef) -> Empty:
        if not await api_tokens.delete(self.db, req.username, req.id):
            raise RpcError("not_found", f"no API token {req.id}")
        # Gateways cache token checks for seconds; this tells them to forget this user's at once.
        await self._publish(TOKEN_REVOKED, TokenRevoked(username=req.username, token_id=req.id, actor=req.username))
        return Empty()

    # --- administration -------------------------------------------------------------------------

    @rpc("users.list", Empty)
    async def list_users(self, _: Empty) -> UserList:
        await self.ready.wait()
        return UserList([u.public() for u in await users.all_users(self.db)])

    @rpc("users.create", UserCreate)
    async def create_user(self, req: UserCreate) -> User:
        problem = username_problem(req.username)
        if problem:
            raise RpcError("invalid", problem, {"field": "username"})
        self._check_new_password(req.username, req.password)
        password_hash = await self.passwords.hash(req.password)
        async with self.writes:
            if await users.get(self.db, req.username) is not None:
                raise RpcError("conflict", f"a user named {req.username} already exists")
            await users.insert(
                self.db,
                username=req.username,
                password_hash=password_hash,
                role=req.role,
                must_change_password=False,
                auth_source="local",
                created_at=utc_now(),
            )
        log.info("user %s (role %s) created by %s", req.username, req.role, req.actor)
        await self._publish(USER_CHANGED, UserChanged(username=req.username, change="created", role=req.role, actor=req.actor))
        return (await self._user(req.username)).public()

    @rpc("users.update", UserUpdate)
    async def update_user(self, req: UserUpdate) -> User:
        async with self.writes:
            user = await self._user(req.username)
            role_changes = req.role is not None and req.role != user.role
            disabling = req.disabled is True and not user.disabled
            enabling = req.disabled is False and user.disabled
            if role_changes and req.role != "admin":
                await self._check_not_last_admin(user, "demoted")
            if disabling:
                await self._check_not_last_admin(user, "disabled")
            fields: dict[str, object] = {}
            if role_changes:
                fields["role"] = req.role
            if disabling or enabling:
                fields["disabled"] = bool(req.disabled)
            if fields:
                await users.update(self.db, user.username, **fields)
            if role_changes or disabling:
                await self._end_sessions(user.username, "disabled" if disabling else "role_changed", req.actor)
        if role_changes:
            log.info("user %s is now %s (by %s)", user.username, req.role, req.actor)
            await self._publish(USER_CHANGED, UserChanged(username=user.username, change="role_changed", role=req.role, actor=req.actor))
        if disabling or enabling:
            change = "disabled" if disabling else "enabled"
            log.info("user %s %s by %s", user.username, change, req.actor)
            await self._publish(USER_CHANGED, UserChanged(username=user.username, change=change, actor=req.actor))
        return (await self._user(user.username)).public()

    @rpc("users.reset_password", PasswordReset)
    async def reset_password(self, req: PasswordReset) -> User:
        user = await self._user(req.username)
        self._check_new_password(user.username, req.new_password)
        password_hash = await self.passwords.hash(req.new_password)
        async with self.writes:
            await users.update(self.db, user.username, password_hash=password_hash, must_change_password=True)
            await self._end_sessions(user.username, "password_reset", req.actor)
        log.info("password of %s reset by %s", user.username, req.actor)
        await self._publish(USER_CHANGED, UserChanged(username=user.username, change="password_reset", actor=req.actor))
        return (await self._user(user.username)).public()

    @rpc("users.delete", UserRef)
    async def delete_user(self, req: UserRef) -> Empty:
        async with self.writes:
            user = await self._user(req.username)
            await self._check_not_last_admin(user, "deleted")
            await users.delete(self.db, user.username)
            await self._end_sessions(user.username, "deleted", req.actor)
        log.info("user %s deleted by %s", user.username, req.actor)
        await self._publish(USER_CHANGED, UserChanged(username=user.username, change="deleted", actor=req.actor))
        return Empty()
