"""The auth service: users, password hashes, roles, API tokens and the token signing key."""

from libs.runtime import Service


class AuthService(Service):
    name = "auth"
