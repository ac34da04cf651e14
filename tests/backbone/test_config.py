from pathlib import Path

import pytest

from libs.config import SETTINGS, ConfigError, load_settings, setting_names


def test_defaults_parse() -> None:
    settings = load_settings({})
    assert settings.port == 8081
    assert settings.bind == "127.0.0.1"
    assert settings.data_dir == Path("./data").resolve()
    assert settings.log_level == "INFO"
    assert settings.nats_url == ""


def test_every_setting_has_a_field() -> None:
    settings = load_settings({})
    for name in setting_names():
        assert hasattr(settings, name.lower()), name
    assert len(SETTINGS) == len(set(setting_names()))


@pytest.mark.parametrize(
    "env, fragment",
    [
        ({"PORT": "http"}, "PORT must be a whole number"),
        ({"PORT": "70000"}, "PORT must be between 1 and 65535"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL must be one of"),
        ({"RPC_TIMEOUT": "0"}, "RPC_TIMEOUT must be greater than zero"),
        ({"DISABLE_AUTHENTICATION": "maybe"}, "DISABLE_AUTHENTICATION must be true or false"),
        ({"TRUSTED_PROXIES": "10.0.0.0/8,nonsense"}, "'nonsense', which is not an address"),
        ({"PROXY_AUTH_DEFAULT_ROLE": "root"}, "PROXY_AUTH_DEFAULT_ROLE must be admin, operator or viewer"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    assert fragment in str(caught.value)


def test_lists_and_flags() -> None:
    settings = load_settings({"TRUSTED_PROXIES": "10.0.0.1, ::1/128", "DISABLE_AUTHENTICATION": "TRUE", "LOG_LEVEL": "debug"})
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.1/32", "::1/128"]
    assert settings.disable_authentication is True
    assert settings.log_level == "DEBUG"
