#!/usr/bin/env bash
# Makes gossip encryption keys and keyring files for onevalue.
#
#   app/make_keyring.sh [--bytes N]
#       Prints a new random key in base64 (N = 32 by default: AES-256; 16 or 24 for
#       AES-128 or AES-192), as `openssl rand -base64 32` does. Put it in every node's
#       config as `gossip-keys = ["<key>"]`, or write a keyring file with --file.
#
#   app/make_keyring.sh --file PATH [--force] [--bytes N] [KEY ... | -]
#       Writes a keyring file (the node's `gossip-keys-file`, by default
#       <data-dir>/keyring) holding the KEYs, the first being the primary, or one new
#       key if none is given; `-` reads the keys from standard input, one per line,
#       which keeps them out of `ps` and shell history. The file is mode 0600 and is
#       replaced atomically; an existing file is kept unless --force. Prints each key's
#       fingerprint, never a key.
#
#   app/make_keyring.sh --fingerprint [KEY | -]
#       Prints the fingerprint of a key (the first 8 bytes of SHA-256 of the raw key,
#       in hex), as GET /v1/keyring and the node's log name keys.
#
# Keys come from OpenSSL's generator (`openssl rand`), or /dev/urandom where the
# openssl command is not installed. No key is ever stored in the repository.
set -euo pipefail

die() {
  echo "make_keyring.sh: $*" >&2
  exit 2
}

new_key() { # bytes
  if command -v openssl >/dev/null; then
    openssl rand -base64 "$1"
  else
    head -c "$1" /dev/urandom | base64 -w0
    echo
  fi
}

# Checks one key as the node does; prints nothing, dies with the reason (never the key).
check_key() { # position key
  local pos=$1 key=$2 size
  [[ $key =~ ^[A-Za-z0-9+/]+={0,2}$ ]] \
    || die "key $pos is not standard base64 (A-Z a-z 0-9 + / and '=' padding)"
  (( ${#key} % 4 == 0 )) || die "key $pos is not padded base64 (length not a multiple of 4)"
  size=$(printf '%s' "$key" | base64 -d 2>/dev/null | wc -c)
  case $size in
    16 | 24 | 32) ;;
    *) die "key $pos decodes to $size bytes; a key must be 16, 24 or 32 bytes" ;;
  esac
  [[ $(printf '%s' "$key" | base64 -d | base64 -w0) == "$key" ]] \
    || die "key $pos is not canonical base64 (its last character has unused bits set)"
}

fingerprint() { # key
  printf '%s' "$1" | base64 -d | sha256sum | cut -c1-16
}

# CRC-32 (IEEE, as zlib) of stdin in lower-case hex: gzip's trailer holds it,
# little-endian, in the 4 bytes before the length.
crc32_hex() {
  local le
  le=$(gzip -c | tail -c 8 | head -c 4 | od -An -tx1 | tr -d ' \n')
  echo "${le:6:2}${le:4:2}${le:2:2}${le:0:2}"
}

read_keys_from_stdin() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line//[[:space:]]/}
    [[ -n $line ]] && keys+=("$line")
  done
}

bytes=32 file="" force=0 mode=print keys=()
while (($#)); do
  case $1 in
    --bytes)
      [[ $# -ge 2 ]] || die "--bytes needs a value"
      bytes=$2
      shift 2
      ;;
    --file)
      [[ $# -ge 2 ]] || die "--file needs a path"
      file=$2 mode=file
      shift 2
      ;;
    --force) force=1; shift ;;
    --fingerprint) mode=fingerprint; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -) read_keys_from_stdin; shift ;;
    # Only a word after "--" is quoted back: anything else may be a mistyped key.
    --[a-z]*) die "unknown option ${1%%=*} (see --help)" ;;
    *) keys+=("$1"); shift ;;
  esac
done
case $bytes in
  16 | 24 | 32) ;;
  *) die "--bytes must be 16, 24 or 32, not $bytes" ;;
esac

case $mode in
  print)
    ((${#keys[@]} == 0)) || die "keys given without --file or --fingerprint"
    new_key "$bytes"
    ;;
  fingerprint)
    ((${#keys[@]} == 1)) || die "--fingerprint takes exactly one key"
    check_key 1 "${keys[0]}"
    fingerprint "${keys[0]}"
    ;;
  file)
    ((${#keys[@]} > 0)) || keys=("$(new_key "$bytes")")
    ((${#keys[@]} <= 16)) || die "a keyring holds at most 16 keys, not ${#keys[@]}"
    for i in "${!keys[@]}"; do
      check_key $((i + 1)) "${keys[$i]}"
      for ((j = 0; j < i; j++)); do
        [[ ${keys[$j]} != "${keys[$i]}" ]] || die "key $((i + 1)) repeats key $((j + 1))"
      done
    done
    [[ $force == 1 || ! -e $file ]] \
      || die "$file exists (it may hold rotated keys); pass --force to replace it"
    body="onevalue-keyring"$'\n'"format=1"$'\n'
    for k in "${keys[@]}"; do body+="key=$k"$'\n'; done
    crc=$(printf '%s' "$body" | crc32_hex)
    umask 077
    tmp=$(mktemp "$(dirname "$file")/.keyring.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    printf '%scrc32=%s\n' "$body" "$crc" >"$tmp"
    chmod 600 "$tmp"
    sync "$tmp" 2>/dev/null || true
    mv -f "$tmp" "$file"
    sync "$(dirname "$file")" 2>/dev/null || true
    trap - EXIT
    echo "wrote $file (mode 0600) with ${#keys[@]} key(s):"
    for i in "${!keys[@]}"; do
      role=secondary
      ((i == 0)) && role=primary
      echo "  $(fingerprint "${keys[$i]}")  $role"
    done
    ;;
esac
