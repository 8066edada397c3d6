#!/usr/bin/env bash
# A TLS-terminating nginx with HTTP basic authentication in front of the local Elasticsearch.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<EOF
Usage: scripts/es-tls-proxy.sh COMMAND

Runs nginx (Debian package) as an https reverse proxy with basic authentication in front of the
Elasticsearch of scripts/elasticsearch.sh (http://127.0.0.1:\$ES_PORT), which has security off.
Every start makes a new test CA and new certificates with openssl, so nothing secret is kept.

Commands:
  start   make certificates and passwords, start nginx, wait until it answers, print the settings
          below (does nothing but print them if already running)
  stop    stop the nginx this script started and wait for it to exit
  status  exit 0 if running and answering, 3 if not
  env     print the settings of the running proxy, one KEY=value a line:
            ES_TLS_URL              https://127.0.0.1:PORT, certificate signed by the CA, for
                                    127.0.0.1 and localhost
            ES_TLS_CA_FILE          PEM of the CA          ES_TLS_CA_FINGERPRINT  its SHA-256 (hex)
            ES_TLS_USER             user name              ES_TLS_PASSWORD_FILE   its password
            ES_TLS_NO_PRIVILEGE_USER / ES_TLS_NO_PRIVILEGE_PASSWORD_FILE: authenticates, then
                                    gets 403 security_exception on every request
          and the fault listeners (same CA, users and upstream unless said otherwise):
            ES_TLS_WRONG_HOST_URL   certificate for wrong-host.invalid, signed by the CA
            ES_TLS_IMPOSTOR_URL     an impostor's chain: a leaf for 127.0.0.1 signed by the
                                    impostor's own CA (same name as the real one), followed by the
                                    real CA certificate
            ES_TLS_SELF_SIGNED_URL  a self-signed certificate for 127.0.0.1 (ES_TLS_SELF_SIGNED_FILE,
                                    ES_TLS_SELF_SIGNED_FINGERPRINT)
            ES_TLS_SMALL_BODY_URL   client_max_body_size \$ES_TLS_PROXY_SMALL_BODY: larger
                                    requests get 413
  url     print ES_TLS_URL

Environment:
  ES_TLS_PROXY_PORT (19443); the fault listeners take the next four ports unless set:
  ES_TLS_PROXY_WRONG_HOST_PORT, ES_TLS_PROXY_IMPOSTOR_PORT, ES_TLS_PROXY_SELF_SIGNED_PORT,
  ES_TLS_PROXY_SMALL_BODY_PORT. ES_TLS_PROXY_SMALL_BODY (16k). ES_PORT (19200): the upstream.
  SSHDNETCON_STACK_DIR (/tmp/sshdnetcon-stack): state lives in \$SSHDNETCON_STACK_DIR/es-tls-proxy
Needs nginx and openssl (apt-get install -y nginx openssl).
EOF
}

PORT="${ES_TLS_PROXY_PORT:-19443}"
WRONG_HOST_PORT="${ES_TLS_PROXY_WRONG_HOST_PORT:-$((PORT + 1))}"
IMPOSTOR_PORT="${ES_TLS_PROXY_IMPOSTOR_PORT:-$((PORT + 2))}"
SELF_SIGNED_PORT="${ES_TLS_PROXY_SELF_SIGNED_PORT:-$((PORT + 3))}"
SMALL_BODY_PORT="${ES_TLS_PROXY_SMALL_BODY_PORT:-$((PORT + 4))}"
SMALL_BODY="${ES_TLS_PROXY_SMALL_BODY:-16k}"
UPSTREAM_PORT="${ES_PORT:-19200}"
STATE="$STACK_DIR/es-tls-proxy"
PKI="$STATE/pki"
PIDFILE="$STATE/master.pid"
MARKER="$STATE/nginx.conf"   # on the master's command line (nginx keeps its arguments in its title)
USER_NAME=sshdnetcon
NO_PRIVILEGE_USER=no-privilege

require_tools() {
  command -v nginx >/dev/null || die "nginx not found: apt-get install -y nginx"
  command -v openssl >/dev/null || die "openssl not found: apt-get install -y openssl"
}

running() { pid_of "$PIDFILE" "$MARKER" >/dev/null; }
# Any HTTP answer (even 502 while Elasticsearch is down) means nginx serves TLS on the port.
answering() {
  running && curl -sS -m 5 -o /dev/null --cacert "$PKI/ca.crt" "https://127.0.0.1:$PORT/" 2>/dev/null
}
answering_or_exited() { answering || ! running; }

# new_key FILE: an EC P-256 private key (fast to make, accepted by every TLS stack here).
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# self_signed_ca NAME KEY CERT: a CA certificate valid for 30 days.
self_signed_ca() {
  new_key "$2"
  openssl req -x509 -new -key "$2" -out "$3" -days 30 -subj "/CN=$1" -config /dev/null \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"
}

# leaf NAME SAN CA_CERT CA_KEY CERT KEY: a server certificate signed by the CA.
leaf() {
  local ext
  new_key "$6"
  openssl req -new -key "$6" -subj "/CN=$1" -config /dev/null -out "$5.csr"
  ext="$5.ext"
  printf '%s\n' "subjectAltName=$2" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
    "authorityKeyIdentifier=keyid" >"$ext"
  openssl x509 -req -in "$5.csr" -CA "$3" -CAkey "$4" -CAcreateserial -days 30 -extfile "$ext" \
    -out "$5" 2>/dev/null
  rm -f "$5.csr" "$ext"
}

fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }

make_pki() {
  rm -rf "$PKI"
  mkdir -p "$PKI/impostor"
  self_signed_ca "sshdnetcon test CA" "$PKI/ca.key" "$PKI/ca.crt"
  leaf 127.0.0.1 "IP:127.0.0.1,DNS:localhost" "$PKI/ca.crt" "$PKI/ca.key" "$PKI/server.crt" "$PKI/server.key"
  leaf wrong-host.invalid "DNS:wrong-host.invalid" "$PKI/ca.crt" "$PKI/ca.key" "$PKI/wrong-host.crt" "$PKI/wrong-host.key"
  # The impostor cannot sign with the real CA's key, so he makes a CA with the same name, signs a
  # leaf for our host with it, and sends the real (public) CA certificate after it.
  self_signed_ca "sshdnetcon test CA" "$PKI/impostor/ca.key" "$PKI/impostor/ca.crt"
  leaf 127.0.0.1 "IP:127.0.0.1,DNS:localhost" "$PKI/impostor/ca.crt" "$PKI/impostor/ca.key" \
    "$PKI/impostor/leaf.crt" "$PKI/impostor/leaf.key"
  cat "$PKI/impostor/leaf.crt" "$PKI/ca.crt" >"$PKI/impostor/chain.crt"
  new_key "$PKI/self-signed.key"
  openssl req -x509 -new -key "$PKI/self-signed.key" -out "$PKI/self-signed.crt" -days 30 \
    -subj "/CN=127.0.0.1" -config /dev/null -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \
    -addext "extendedKeyUsage=serverAuth"
  # The honest server sends its chain as Elasticsearch does: leaf, then CA.
  cat "$PKI/server.crt" "$PKI/ca.crt" >"$PKI/server-chain.crt"
  cat "$PKI/wrong-host.crt" "$PKI/ca.crt" >"$PKI/wrong-host-chain.crt"
  chmod 0600 "$PKI"/*.key "$PKI"/impostor/*.key
}

make_users() {
  local user password
  : >"$STATE/htpasswd"
  for user in "$USER_NAME" "$NO_PRIVILEGE_USER"; do
    password="$(openssl rand -hex 16)"
    (umask 077 && printf '%s\n' "$password" >"$STATE/$user.password")
    printf '%s:%s\n' "$user" "$(openssl passwd -apr1 "$password")" >>"$STATE/htpasswd"
  done
  # The workers (user nobody) read the hashes on each request.
  chmod 0644 "$STATE/htpasswd"
}

# server_block PORT CERT KEY [BODY_LIMIT]
server_block() {
  cat <<EOF
    server {
        listen 127.0.0.1:$1 ssl;
        ssl_certificate $2;
        ssl_certificate_key $3;
        client_max_body_size ${4:-100m};
        location / {
            auth_basic "elasticsearch";
            auth_basic_user_file $STATE/htpasswd;
            if (\$remote_user = "$NO_PRIVILEGE_USER") {
                return 403 '{"error":{"type":"security_exception","reason":"action [indices:data/write/bulk] is unauthorized for user [$NO_PRIVILEGE_USER]"},"status":403}';
            }
            proxy_pass http://elasticsearch;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            # Elasticsearch behind the proxy runs with security off and needs no credentials.
            proxy_set_header Authorization "";
        }
    }
EOF
}

write_config() {
  mkdir -p "$STATE/logs" "$STATE/tmp"
  chown nobody:nogroup "$STATE/tmp" 2>/dev/null || true
  {
    cat <<EOF
# Written by scripts/es-tls-proxy.sh; rewritten on every start.
worker_processes 1;
user nobody nogroup;
pid $STATE/nginx.pid;
error_log $STATE/logs/error.log warn;
events { worker_connections 256; }
http {
    default_type application/json;
    log_format proxy '\$server_port \$remote_user "\$request" \$status \$request_length';
    access_log $STATE/logs/access.log proxy;
    client_body_temp_path $STATE/tmp/body;
    proxy_temp_path $STATE/tmp/proxy;
    fastcgi_temp_path $STATE/tmp/fastcgi;
    uwsgi_temp_path $STATE/tmp/uwsgi;
    scgi_temp_path $STATE/tmp/scgi;
    ssl_protocols TLSv1.2 TLSv1.3;
    upstream elasticsearch {
        server 127.0.0.1:$UPSTREAM_PORT;
        keepalive 8;
    }
EOF
    server_block "$PORT" "$PKI/server-chain.crt" "$PKI/server.key"
    server_block "$WRONG_HOST_PORT" "$PKI/wrong-host-chain.crt" "$PKI/wrong-host.key"
    server_block "$IMPOSTOR_PORT" "$PKI/impostor/chain.crt" "$PKI/impostor/leaf.key"
    server_block "$SELF_SIGNED_PORT" "$PKI/self-signed.crt" "$PKI/self-signed.key"
    server_block "$SMALL_BODY_PORT" "$PKI/server-chain.crt" "$PKI/server.key" "$SMALL_BODY"
    echo "}"
  } >"$STATE/nginx.conf"
}

print_env() {
  [[ -s $PKI/ca.crt ]] || die "not started: no certificates in $PKI"
  cat <<EOF
ES_TLS_URL=https://127.0.0.1:$PORT
ES_TLS_CA_FILE=$PKI/ca.crt
ES_TLS_CA_FINGERPRINT=$(fingerprint "$PKI/ca.crt")
ES_TLS_USER=$USER_NAME
ES_TLS_PASSWORD_FILE=$STATE/$USER_NAME.password
ES_TLS_NO_PRIVILEGE_USER=$NO_PRIVILEGE_USER
ES_TLS_NO_PRIVILEGE_PASSWORD_FILE=$STATE/$NO_PRIVILEGE_USER.password
ES_TLS_WRONG_HOST_URL=https://127.0.0.1:$WRONG_HOST_PORT
ES_TLS_IMPOSTOR_URL=https://127.0.0.1:$IMPOSTOR_PORT
ES_TLS_SELF_SIGNED_URL=https://127.0.0.1:$SELF_SIGNED_PORT
ES_TLS_SELF_SIGNED_FILE=$PKI/self-signed.crt
ES_TLS_SELF_SIGNED_FINGERPRINT=$(fingerprint "$PKI/self-signed.crt")
ES_TLS_SMALL_BODY_URL=https://127.0.0.1:$SMALL_BODY_PORT
ES_TLS_SMALL_BODY_LIMIT=$SMALL_BODY
ES_TLS_ACCESS_LOG=$STATE/logs/access.log
EOF
}

stop() {
  if stop_pidfile "$PIDFILE" "$MARKER" 30; then
    log "stopped"
  else
    log "not running"
  fi
}

start() {
  if running; then
    wait_until 30 answering || die "pid $(cat "$PIDFILE") runs but https://127.0.0.1:$PORT does not answer"
    log "already running (pid $(cat "$PIDFILE")) at https://127.0.0.1:$PORT"
    print_env
    return 0
  fi
  require_tools
  local p
  for p in "$PORT" "$WRONG_HOST_PORT" "$IMPOSTOR_PORT" "$SELF_SIGNED_PORT" "$SMALL_BODY_PORT"; do
    require_free_port "$p" "ES_TLS_PROXY_*_PORT"
  done
  mkdir -p "$STATE"
  rm -f "$STATE/logs/access.log" "$STATE/logs/error.log"
  make_pki
  make_users
  write_config
  nginx -t -q -e "$STATE/logs/error.log" -p "$STATE" -c "$STATE/nginx.conf" \
    || { show_log "$STATE/logs/error.log"; die "nginx refused the configuration $STATE/nginx.conf"; }

  log "starting nginx on https://127.0.0.1:$PORT (upstream http://127.0.0.1:$UPSTREAM_PORT)"
  start_daemon "$PIDFILE" "$STATE/logs/console.log" \
    nginx -e "$STATE/logs/error.log" -p "$STATE" -c "$STATE/nginx.conf" -g "daemon off;"
  if ! wait_until 30 answering_or_exited || ! answering; then
    show_log "$STATE/logs/error.log"
    running && stop
    die "nginx did not start; logs are in $STATE/logs"
  fi
  log "ready (pid $(cat "$PIDFILE")) at https://127.0.0.1:$PORT"
  print_env
}

status() {
  if answering; then
    log "running (pid $(cat "$PIDFILE")) at https://127.0.0.1:$PORT"
  elif running; then
    log "pid $(cat "$PIDFILE") is running but https://127.0.0.1:$PORT does not answer"
    exit 3
  else
    log "not running"
    exit 3
  fi
}

case "${1:-}" in
  start) lock_state "$STATE"; start ;;
  stop) lock_state "$STATE"; stop ;;
  status) status ;;
  env) running || die "not running"; print_env ;;
  url) echo "https://127.0.0.1:$PORT" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
