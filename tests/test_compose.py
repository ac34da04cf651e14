"""compose.yml and the Dockerfile agree with the code, and the services start and turn healthy with
exactly the environment the compose file gives them (hosts mapped to loopback)."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import psutil
import yaml

from libs.config import setting_names
from tests.support import ROOT, NatsServer, free_port, wait_healthy

# Consumed by docker/entrypoint.sh before any service runs, so the configuration never sees them.
ENTRYPOINT_ONLY = {"PUID", "PGID"}
_INTERPOLATION = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yml").read_text())


def service_folders() -> set[str]:
    return {p.parent.name for p in (ROOT / "services").glob("*/__main__.py")}


def app_services() -> dict[str, dict]:
    return {name: spec for name, spec in compose()["services"].items() if name != "nats"}


def dockerfile_instructions(keyword: str) -> list[str]:
    """The arguments of every ``keyword`` instruction, with continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in text.splitlines() if line.split(None, 1)[:1] == [keyword]]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in dockerfile_instructions("ENV"):
        for pair in shlex.split(args):
            name, _, value = pair.partition("=")
            env[name] = value
    return env


def interpolate(value: str) -> str:
    """Compose's ``${NAME:-default}`` as it resolves on a host that sets none of them."""
    return _INTERPOLATION.sub(lambda m: m.group(2) or "", value)


def test_every_service_folder_has_exactly_one_compose_entry() -> None:
    assert set(app_services()) == service_folders()


def test_each_service_runs_its_own_module_with_a_health_check() -> None:
    for name, spec in app_services().items():
        assert spec["command"] == ["python", "-m", f"services.{name}"], name
        assert spec["healthcheck"]["test"] == ["CMD", "borgui", "health", name], name


def test_environment_names_are_ones_the_configuration_reads() -> None:
    known = set(setting_names()) | ENTRYPOINT_ONLY
    used = set(dockerfile_env())
    for spec in app_services().values():
        used |= set(spec["environment"])
    used |= {m.group(1) for m in _INTERPOLATION.finditer((ROOT / "compose.yml").read_text())}
    assert used - known == set()
    assert {"NATS_URL", "DATA_DIR", "PUID", "PGID", "LOG_LEVEL"} <= used


def test_services_reach_nats_by_its_compose_name() -> None:
    for name, spec in app_services().items():
        assert spec["environment"]["NATS_URL"] == "nats://nats:4222", name
        assert spec["environment"]["DATA_DIR"] == "/data", name
        assert spec["depends_on"]["nats"]["condition"] == "service_healthy", name


def test_gateway_is_published_on_loopback_only() -> None:
    specs = compose()["services"]
    assert specs["gateway"]["ports"] == ["127.0.0.1:8081:8081"]
    assert specs["gateway"]["environment"]["BIND"] == "0.0.0.0"
    assert [name for name, spec in specs.items() if spec.get("ports")] == ["gateway"]


def test_each_service_has_its_own_volume_at_data() -> None:
    declared = set(compose()["volumes"])
    owners: dict[str, str] = {}
    for name, spec in compose()["services"].items():
        data_mounts = [v.split(":")[0] for v in spec["volumes"] if v.split(":")[1] == "/data"]
        assert len(data_mounts) == 1, name
        assert data_mounts[0] in declared, name
        assert data_mounts[0] not in owners, f"{name} shares /data with {owners.get(data_mounts[0])}"
        owners[data_mounts[0]] = name


def test_nats_runs_jetstream_on_its_volume_with_a_monitoring_health_check() -> None:
    nats = compose()["services"]["nats"]
    command = nats["command"]
    assert "-js" in command
    assert command[command.index("-sd") + 1] == "/data"
    assert command[command.index("-m") + 1] == "8222"
    assert any("8222/healthz" in part for part in nats["healthcheck"]["test"])


def test_image_installs_every_service_extra_pinned() -> None:
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    (install,) = [run for run in dockerfile_instructions("RUN") if "pip install" in run]
    assert re.search(r"-c \S*constraints\.txt", install)
    requested = set(re.search(r'"\S*\[([^\]]+)\]"', install).group(1).split(","))
    assert requested == (extras & service_folders()) | {"embedded"}


def test_image_starts_through_the_entrypoint_that_drops_root() -> None:
    entrypoint = ROOT / "docker" / "entrypoint.sh"
    assert dockerfile_instructions("ENTRYPOINT") == ['["/usr/local/bin/entrypoint"]']
    assert os.access(entrypoint, os.X_OK)
    assert "setpriv --reuid=" in entrypoint.read_text()
    for source in [part for args in dockerfile_instructions("COPY") for part in args.split()[:-1]]:
        assert (ROOT / source).exists(), source


def local_env(name: str, spec: dict, nats: NatsServer, data_dir: Path, port: int) -> dict[str, str]:
    """The container's environment (image ENV, then compose), with hosts and paths made local."""
    env = {**dockerfile_env(), **{k: interpolate(str(v)) for k, v in spec["environment"].items()}}
    for key in ENTRYPOINT_ONLY:
        env.pop(key)
    env["NATS_URL"] = env["NATS_URL"].replace("nats://nats:4222", nats.url)
    env["DATA_DIR"] = str(data_dir / name)
    if env.get("BIND") == "0.0.0.0":
        env["BIND"] = "127.0.0.1"
    if name == "gateway":
        env["PORT"] = str(port)
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), **env}


def stop_all(processes: list[subprocess.Popen]) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


async def health_check(env: dict[str, str], service: str) -> int:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "borgui", "health", service, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    return await proc.wait()


async def test_services_started_with_the_compose_environment_turn_healthy(
    nats_server: NatsServer, tmp_path: Path
) -> None:
    port = free_port()
    envs = {name: local_env(name, spec, nats_server, tmp_path, port) for name, spec in app_services().items()}
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, spec in app_services().items():
            argv = [sys.executable, *spec["command"][1:]]
            processes[name] = subprocess.Popen(
                argv, cwd=ROOT, env=envs[name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        await wait_healthy(f"http://127.0.0.1:{port}", timeout=10)

        # The health checks compose runs, each from its own container's environment.
        codes = await asyncio.gather(*(health_check(envs[name], name) for name in envs))
        assert dict(zip(envs, codes)) == {name: 0 for name in envs}

        processes["notifier"].send_signal(signal.SIGTERM)
        processes["notifier"].wait(10)
        assert await health_check(envs["notifier"], "notifier") == 1
        # A 503 from /api/health is another service's trouble; the gateway itself still answers.
        assert await health_check(envs["gateway"], "gateway") == 0
        for name, proc in processes.items():
            assert name == "notifier" or proc.poll() is None, f"{name} exited with {proc.returncode}"
    finally:
        stop_all(list(processes.values()))
    assert not [p for p in processes.values() if psutil.pid_exists(p.pid) and p.poll() is None]


async def test_health_check_fails_when_nats_does_not_answer(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "DATA_DIR": str(tmp_path), "NATS_URL": f"nats://127.0.0.1:{free_port()}"}
    assert await health_check(env, "auth") == 1
    assert await health_check({**env, "PORT": str(free_port())}, "gateway") == 1

