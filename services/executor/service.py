"""The executor service: repositories, SSH keys, jobs, logs and archive indexes; runs borg."""

from libs.runtime import Service


class ExecutorService(Service):
    name = "executor"
