"""The scheduler service: schedules and their run history; fires commands when they are due."""

from libs.runtime import Service


class SchedulerService(Service):
    name = "scheduler"
