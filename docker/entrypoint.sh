#!/bin/sh
# Run the container's command as the user PUID:PGID, so files written under /data belong to the
# owner of the host folder or volume. Started as root only to make that switch; never stays root
# unless PUID is 0.
set -eu

PUID="${PUID:-1000}"
PGID="${PGID:-1000}"
DATA_DIR="${DATA_DIR:-/data}"

if [ "$(id -u)" != 0 ] || [ "$PUID" = 0 ]; then
    exec "$@"
fi

# ssh and borg look the user up by uid (home folder, known_hosts), so the account itself follows
# PUID/PGID rather than running as a uid with no passwd entry.
if [ "$(id -g borgui)" != "$PGID" ]; then
    groupmod --non-unique --gid "$PGID" borgui
fi
if [ "$(id -u borgui)" != "$PUID" ]; then
    usermod --non-unique --uid "$PUID" --gid "$PGID" borgui
fi

mkdir -p "$DATA_DIR"
# Only a fresh volume or a changed PUID/PGID needs the walk; a large log folder makes it slow.
if [ "$(stat -c %u:%g "$DATA_DIR")" != "$PUID:$PGID" ]; then
    chown -R "$PUID:$PGID" "$DATA_DIR" /home/borgui
fi

HOME=/home/borgui
export HOME
exec setpriv --reuid="$PUID" --regid="$PGID" --init-groups -- "$@"
