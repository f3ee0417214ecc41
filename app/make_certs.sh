#!/usr/bin/env bash
# Makes a certificate authority and certificates for onevalue's HTTPS API with the
# openssl tool, at run time (never commit what it writes).
#
#   app/make_certs.sh DIR NAME=ADDR[,ADDR...] ...
#       In DIR (created, mode 0700): ca.crt and ca.key (made unless DIR already has
#       them, so running again adds nodes to the same CA); for each NAME a server
#       certificate NAME.crt with NAME.key whose subjectAltName lists every ADDR (IPv4
#       or IPv6 addresses as IP:, anything else as DNS:) and NAME itself; and client.crt
#       with client.key, a client certificate for nodes started with https-client-ca.
#       An existing NAME.crt is kept (delete it to make it again). Keys are EC P-256,
#       mode 0600 (KEY_MODE=0644 for keys mounted into containers whose user, uid
#       10001 in onevalue's image, does not own them: DIR stays 0700, so other users of
#       the host still cannot read them); certificates are valid for DAYS days
#       (default 365, env DAYS).
#
#   Example (the local cluster, app/run_local_cluster.sh does this with ONEVALUE_HTTPS=1):
#       app/make_certs.sh data/tls node1=127.0.0.1 node2=127.0.0.2 node3=127.0.0.3
#   and then, per node:
#       https-port = 8443
#       https-cert = "data/tls/node1.crt"
#       https-key = "data/tls/node1.key"
#       https-client-ca = "data/tls/ca.crt"     ; optional: require client.crt
#       curl --cacert data/tls/ca.crt https://127.0.0.1:8443/health
#
# Prints what it wrote; exits 2 with the reason on a bad argument or an openssl failure.
set -euo pipefail

die() {
  echo "make_certs.sh: $*" >&2
  exit 2
}

[[ ${1:-} == -h || ${1:-} == --help ]] && { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; }
(($# >= 2)) || die "usage: make_certs.sh DIR NAME=ADDR[,ADDR...] ... (see --help)"
command -v openssl >/dev/null || die "the openssl command is needed (apt-get install openssl)"
dir=$1
shift
days=${DAYS:-365}
[[ $days =~ ^[1-9][0-9]{0,4}$ ]] || die "DAYS must be a whole number of days, not '$days'"
key_mode=${KEY_MODE:-0600}
[[ $key_mode =~ ^0?[0-7]{3}$ ]] || die "KEY_MODE must be an octal mode such as 0600, not '$key_mode'"

umask 077
mkdir -p "$dir"
chmod 700 "$dir"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)

# Runs openssl quietly; on failure shows its output and dies.
ossl() {
  local out
  if ! out=$(openssl "$@" 2>&1); then
    echo "$out" >&2
    die "openssl $1 failed"
  fi
}

if [[ ! -f $dir/ca.crt || ! -f $dir/ca.key ]]; then
  ossl req -x509 "${ec[@]}" -days "$days" -subj "/CN=onevalue-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt"
  chmod 644 "$dir/ca.crt"
  echo "wrote $dir/ca.crt (the CA: give it to clients as --cacert) and $dir/ca.key"
fi

# Signs $dir/$1.csr with the CA, with the extensions in $2; writes $dir/$1.crt.
sign() {
  local name=$1 ext=$2
  printf '%s\n' "$ext" >"$dir/$name.ext"
  ossl x509 -req -days "$days" -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -CAcreateserial -extfile "$dir/$name.ext" -out "$dir/$name.crt"
  rm -f "$dir/$name.csr" "$dir/$name.ext"
  chmod 644 "$dir/$name.crt"
}

for spec in "$@"; do
  [[ $spec == *=* ]] || die "'$spec' is not NAME=ADDR[,ADDR...]"
  name=${spec%%=*} addrs=${spec#*=}
  [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] \
    || die "'$name' is not a name (letters, digits, '.', '_', '-'; at most 64)"
  [[ $name != ca && $name != client ]] || die "'$name' is reserved for the CA and client files"
  [[ -n $addrs ]] || die "$name has no address"
  [[ -f $dir/$name.crt ]] && { echo "kept $dir/$name.crt"; continue; }
  san="DNS:$name"
  IFS=, read -r -a list <<<"$addrs"
  for a in "${list[@]}"; do
    if [[ $a =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ || $a == *:* ]]; then
      san+=",IP:$a"
    elif [[ $a =~ ^[A-Za-z0-9.-]+$ ]]; then
      san+=",DNS:$a"
    else
      die "'$a' ($name) is neither an IP address nor a DNS name"
    fi
  done
  ossl req "${ec[@]}" -subj "/CN=$name" -keyout "$dir/$name.key" -out "$dir/$name.csr"
  sign "$name" "subjectAltName=$san
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature"
  chmod "$key_mode" "$dir/$name.key"
  echo "wrote $dir/$name.crt ($san) and $dir/$name.key"
done

if [[ ! -f $dir/client.crt ]]; then
  ossl req "${ec[@]}" -subj "/CN=onevalue-client" -keyout "$dir/client.key" -out "$dir/client.csr"
  sign client "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
  chmod "$key_mode" "$dir/client.key"
  echo "wrote $dir/client.crt and $dir/client.key (for nodes with https-client-ca)"
fi
rm -f "$dir/ca.srl"
