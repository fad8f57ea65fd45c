#!/bin/sh
# Configures Postfix from the environment, then runs the command (postfix start-fg by default).
#
#   POSTFIX_LISTEN      address:port of the SMTP service (default 0.0.0.0:25)
#   POSTFIX_RELAYHOST   where all outgoing mail goes: Sekisho, e.g. [sekisho]:2525 (default none)
#   POSTFIX_MYNETWORKS  clients that may relay (default 127.0.0.0/8)
#   POSTFIX_HOSTNAME    myhostname (default mail.corp.example.co.jp)
#   POSTFIX_PROXY_FILTER  Sekisho as a before-queue filter instead (deploy/postfix/master.cf):
#                       the SMTP service hands each session to this host:port, e.g. [sekisho]:2525
#   POSTFIX_REINJECT    with it, address:port where Sekisho hands accepted mail back (its nextHop)
#
# With `sink` as the command it is the internet instead: Postfix's smtp-sink accepts every message
# on SINK_LISTEN (default 0.0.0.0:25) and keeps each one as a file in /var/spool/sink.
set -eu
case "${1:-}" in
    postfix) ;;
    sink)
        mkdir -p /var/spool/sink && chown postfix /var/spool/sink
        exec smtp-sink -u postfix -d /var/spool/sink/%Y%m%d%H%M%S. "${SINK_LISTEN:-0.0.0.0:25}" 100 ;;
    *) exec "$@" ;;
esac

listen="${POSTFIX_LISTEN:-0.0.0.0:25}"
cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf 2>/dev/null || touch /etc/postfix/main.cf
# The snippet in deploy/postfix/main.cf is what a company's Postfix adds to route outgoing mail
# through Sekisho; the rest makes this container a self-contained relay with no DNS and no local
# delivery (it is not the final destination of any mail).
postconf -e \
    "compatibility_level=3.6" \
    "myhostname=${POSTFIX_HOSTNAME:-mail.corp.example.co.jp}" \
    "mydestination=" \
    "local_transport=error:this relay delivers no mail locally" \
    "alias_maps=" "alias_database=" \
    "inet_interfaces=all" "inet_protocols=ipv4" \
    "mynetworks=${POSTFIX_MYNETWORKS:-127.0.0.0/8}" \
    "relayhost=${POSTFIX_RELAYHOST:-}" \
    "smtp_dns_support_level=disabled" "smtp_host_lookup=native" \
    "maillog_file=/dev/stdout" \
    "queue_run_delay=10s" "minimal_backoff_time=10s" "maximal_backoff_time=60s"
# Listen where asked, and run every service outside a chroot (there is no chroot tree in a container).
postconf -MX smtp/inet
postconf -M "${listen}/inet=${listen} inet n - n - - smtpd"
if [ -n "${POSTFIX_PROXY_FILTER:-}" ]; then
    # The same options as deploy/postfix/master.cf (without its TLS and SASL).
    postconf -P "${listen}/inet/smtpd_proxy_filter=${POSTFIX_PROXY_FILTER}" \
        "${listen}/inet/smtpd_proxy_timeout=300s" "${listen}/inet/smtpd_proxy_options=speed_adjust"
    reinject="${POSTFIX_REINJECT:?POSTFIX_REINJECT is required with POSTFIX_PROXY_FILTER}"
    postconf -M "${reinject}/inet=${reinject} inet n - n - - smtpd"
    postconf -P "${reinject}/inet/syslog_name=postfix/after-sekisho" \
        "${reinject}/inet/smtpd_authorized_xforward_hosts=127.0.0.0/8" \
        "${reinject}/inet/smtpd_client_restrictions=" "${reinject}/inet/smtpd_helo_restrictions=" \
        "${reinject}/inet/smtpd_sender_restrictions=" "${reinject}/inet/smtpd_relay_restrictions=" \
        "${reinject}/inet/smtpd_recipient_restrictions=permit_mynetworks,reject" \
        "${reinject}/inet/smtpd_data_restrictions=" "${reinject}/inet/mynetworks=127.0.0.0/8" \
        "${reinject}/inet/receive_override_options=no_unknown_recipient_checks"
fi
postconf -F '*/*/chroot = n'
postconf -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
newaliases 2>/dev/null || true
exec "$@"
