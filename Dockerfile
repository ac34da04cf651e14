# One image for every service; compose.yml picks the service with `command:`.
# The default command runs the whole system in one container (embedded NATS included).
FROM python:3.11-slim-bookworm

# borg runs the backups; ssh reaches remote repositories. setpriv (util-linux) and
# usermod/groupmod (passwd) come with the base image and serve the entrypoint.
RUN apt-get update \
    && apt-get install -y --no-install-recommends borgbackup openssh-client \
    && rm -rf /var/lib/apt/lists/*

# The entrypoint moves this account to PUID/PGID at start.
RUN groupadd --gid 1000 borgui \
    && useradd --uid 1000 --gid borgui --home-dir /home/borgui --create-home --shell /usr/sbin/nologin borgui

# Installed into site-packages (compiled there) and the sources removed: `python -m` puts the working
# folder first on sys.path, and a root-owned copy there would be recompiled at every start.
COPY pyproject.toml constraints.txt /tmp/src/
COPY libs /tmp/src/libs
COPY borgui /tmp/src/borgui
COPY services /tmp/src/services
RUN pip install --no-cache-dir --root-user-action=ignore -c /tmp/src/constraints.txt "/tmp/src[embedded,gateway,auth,executor]" \
    && rm -rf /tmp/src
WORKDIR /app

COPY docker/entrypoint.sh /usr/local/bin/entrypoint

ENV DATA_DIR=/data \
    BIND=0.0.0.0
EXPOSE 8081
ENTRYPOINT ["/usr/local/bin/entrypoint"]
CMD ["borgui", "run"]
