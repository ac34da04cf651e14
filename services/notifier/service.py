"""The notifier service: notification targets and subscriptions; delivers through Apprise."""

from libs.runtime import Service


class NotifierService(Service):
    name = "notifier"
