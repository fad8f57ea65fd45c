#!/bin/sh
# Writes squid.conf from the environment and runs Squid in the foreground.
#
#   SQUID_LISTEN   address:port or port of the proxy (default 3128)
#   SQUID_CLIENTS  address blocks allowed to use it (default 127.0.0.0/8)
#   SEKISHO_ICAP   Sekisho's ICAP REQMOD service (default icap://sekisho:1344/reqmod)
set -eu
icap="${SEKISHO_ICAP:-icap://sekisho:1344/reqmod}"
sed "s#icap://127.0.0.1:1344/reqmod#${icap}#" /etc/squid/sekisho-icap.conf > /etc/squid/sekisho-icap.effective.conf
cat > /etc/squid/squid.conf <<CONF
http_port ${SQUID_LISTEN:-3128}
acl clients src ${SQUID_CLIENTS:-127.0.0.0/8}
http_access allow clients
http_access deny all
# A relay, not a cache: every request goes to the origin (and through Sekisho).
cache deny all
cache_mem 8 MB
access_log stdio:/var/log/squid/access.log
cache_log /var/log/squid/cache.log
pid_filename none
netdb_filename none
shutdown_lifetime 1 seconds
include /etc/squid/sekisho-icap.effective.conf
CONF
# Squid writes its logs as the proxy user, who cannot open the container's stdout: follow the files.
mkdir -p /var/log/squid && chown proxy:proxy /var/log/squid
touch /var/log/squid/access.log /var/log/squid/cache.log && chown proxy:proxy /var/log/squid/*.log
tail -q -F /var/log/squid/cache.log /var/log/squid/access.log &
exec squid -N -f /etc/squid/squid.conf "$@"
