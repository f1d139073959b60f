#!/usr/bin/env bash
# The Debian package, end to end, on this machine (root): scripts/package
# builds it; dpkg-deb reads it back; dpkg -i installs it; systemd-analyze
# verifies the installed unit and scores its sandbox; the installed binary
# runs exactly as the unit runs it (user cmtftp, CAP_NET_BIND_SERVICE alone,
# no new privileges, the packaged config file, a notify socket) and serves a
# file of /srv/tftp over TFTP port 69 and HTTP 6970, tells READY=1,
# WATCHDOG=1, RELOADING=1 on SIGHUP and STOPPING=1; an upgrade keeps the
# admin's edits; dpkg -r and dpkg -P leave
# nothing behind. CI has no running systemd: the unit's file-system sandbox
# is rebuilt with unshare and mounts; the rest of it (seccomp, namespaces,
# kernel protections) is checked by systemd-analyze, not entered.
#
# It owns ports 69/udp, 6970/tcp and 6980/tcp while it runs: scripts/test
# runs it alone, after go test. It refuses to run over an installed cmtftp
# or an existing cmtftp user (it would purge them), and cleans up on any
# exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The exposure systemd-analyze security --offline=yes gave the unit when
# this test was written (systemd 252); the test fails if it gets worse.
max_exposure=1.5
unit=/usr/lib/systemd/system/cmtftp.service
name=package-test-$$.bin

fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
step() { echo "== package: $*"; }

[[ $(id -u) -eq 0 ]] || fail "needs root (dpkg -i, the cmtftp user, port 69)"
if dpkg-query -W -f='${db:Status-Status}' cmtftp 2>/dev/null | grep -qv '^not-installed$'; then
  fail "a cmtftp package is on this machine already; this test installs and purges it"
fi
getent passwd cmtftp >/dev/null && fail "a cmtftp user exists already; this test creates and removes it"
[[ -e /etc/cmtftp || -e /var/lib/cmtftp ]] && fail "/etc/cmtftp or /var/lib/cmtftp exists already"
# /srv/tftp may be another package's (tftpd-hpa, which scripts/test
# installs, makes it): then the package must use it and leave it.
srv_tftp_before=''
[[ ! -e /srv/tftp ]] || srv_tftp_before=yes
if ss -Hlun 'sport = :69' | grep -q . || ss -Hltn '( sport = :6970 or sport = :6980 )' | grep -q .; then
  fail "port 69/udp, 6970/tcp or 6980/tcp is in use: $(ss -Hlunt '( sport = :69 or sport = :6970 or sport = :6980 )')"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cmtftp-package-test.XXXXXX")
pid='' notify_dir='' notify_pid='' rotated_token='' cmtftp_uid='' deb2=''
cleanup() {
  local rc=$?
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  if [[ -n $notify_pid ]]; then
    kill "$notify_pid" 2>/dev/null || true
    wait "$notify_pid" 2>/dev/null || true
  fi
  [[ -z $notify_dir ]] || rm -rf "$notify_dir"
  rm -f "/srv/tftp/$name"
  [[ -z $deb2 ]] || rm -f "$deb2" # the upgrade's package is this test's own
  if dpkg-query -W -f='${db:Status-Status}' cmtftp 2>/dev/null | grep -qv '^not-installed$'; then
    dpkg -P cmtftp >/dev/null 2>&1 || echo "package-test: cleanup: dpkg -P cmtftp failed" >&2
  fi
  if ((rc)) && [[ -s $work/serve.log ]]; then
    echo "--- serve log" >&2
    tail -n 40 "$work/serve.log" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

# run_dpkg ARGS…: dpkg, which must succeed without a warning; while another
# process holds the dpkg lock (an apt-get of this shared machine), it waits
# for it, at most 2 minutes.
run_dpkg() {
  local i
  for ((i = 0; i < 60; i++)); do
    dpkg "$@" >"$work/dpkg.log" 2>&1 && break
    grep -q 'lock' "$work/dpkg.log" || { cat "$work/dpkg.log" >&2; fail "dpkg $*"; }
    sleep 2
  done
  ((i < 60)) || fail "dpkg $*: the dpkg lock stayed held for 2 minutes"
  if grep -qi 'warning' "$work/dpkg.log"; then
    cat "$work/dpkg.log" >&2
    fail "dpkg $* warned"
  fi
}

# run_apt_install DEB: the README's "apt install ./cmtftp_….deb".
run_apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=120 "./$1" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; fail "apt-get install ./$1"; }
  if grep -Eq '^(W|E):|warning' "$work/apt.log"; then
    cat "$work/apt.log" >&2
    fail "apt-get install ./$1 warned"
  fi
}

# check_package_file DEB: the control fields, conffiles, scripts and files.
check_package_file() {
  local deb=$1 f
  [[ $(dpkg-deb -f "$deb" Package) == cmtftp ]] || fail "Package: $(dpkg-deb -f "$deb" Package)"
  [[ $(dpkg-deb -f "$deb" Architecture) == amd64 ]] || fail "Architecture"
  [[ $(dpkg-deb -f "$deb" Depends) == *adduser* ]] || fail "Depends lacks adduser"
  dpkg-deb --info "$deb" conffiles | grep -qx /etc/cmtftp/cmtftp.yaml || fail "conffiles lacks /etc/cmtftp/cmtftp.yaml"
  for f in postinst prerm postrm; do
    dpkg-deb --info "$deb" "$f" | head -n 1 | grep -q '^#!/bin/sh' || fail "no $f script"
  done
  dpkg-deb --contents "$deb" | awk '{print $1, $2, $NF}' >"$work/contents"
  for f in ./usr/bin/cmtftp "$unit" /etc/cmtftp/cmtftp.yaml ./usr/share/man/man1/cmtftp.1.gz \
    ./usr/share/man/man1/cmtftp-serve.1.gz ./usr/share/bash-completion/completions/cmtftp \
    ./usr/share/zsh/vendor-completions/_cmtftp ./usr/share/fish/vendor_completions.d/cmtftp.fish \
    ./etc/cmtftp/ ./var/lib/cmtftp/; do
    grep -q " \.\?${f#.}\$" "$work/contents" || fail "the package lacks $f"
  done
  grep -q '^-rwxr-xr-x root/root ./usr/bin/cmtftp$' "$work/contents" || fail "/usr/bin/cmtftp is not 0755 root:root"
  grep -q ' \./srv/' "$work/contents" && fail "the package ships /srv (postinst makes /srv/tftp)"
  (($(grep -c '/usr/share/man/man1/cmtftp.*\.1\.gz$' "$work/contents") > 20)) || fail "fewer than 20 man pages"
}

# check_installed VERSION: the binary, user, folders, token, man page, enablement.
check_installed() {
  local pw
  [[ $(/usr/bin/cmtftp --version) == "cmtftp version $1" ]] || fail "cmtftp --version: $(/usr/bin/cmtftp --version)"
  pw=$(getent passwd cmtftp) || fail "no cmtftp user"
  IFS=: read -r _ _ uid gid _ home shell <<<"$pw"
  ((uid > 0 && uid < 1000)) || fail "cmtftp is not a system user (uid $uid)"
  [[ $home == /var/lib/cmtftp && $shell == */nologin ]] || fail "cmtftp user: home $home, shell $shell"
  [[ $(getent group cmtftp | cut -d: -f3) == "$gid" ]] || fail "no cmtftp group as the user's primary group"
  [[ $(stat -c '%U:%G %a' /var/lib/cmtftp) == "cmtftp:cmtftp 750" ]] || fail "/var/lib/cmtftp: $(stat -c '%U:%G %a' /var/lib/cmtftp)"
  [[ $(stat -c '%U:%G %a' /etc/cmtftp/admin-token) == "root:cmtftp 640" ]] || fail "admin-token: $(stat -c '%U:%G %a' /etc/cmtftp/admin-token)"
  grep -Eqx '[0-9a-f]{64}' /etc/cmtftp/admin-token || fail "admin-token is not 64 hex digits"
  [[ -d /srv/tftp ]] || fail "no /srv/tftp"
  if [[ -z $srv_tftp_before ]]; then
    [[ $(stat -c '%U:%G %a' /srv/tftp) == "root:root 755" ]] || fail "/srv/tftp: $(stat -c '%U:%G %a' /srv/tftp)"
  fi
  [[ $(stat -c '%U:%G %a' /etc/cmtftp/cmtftp.yaml) == "root:root 644" ]] || fail "cmtftp.yaml mode"
  [[ -L /etc/systemd/system/multi-user.target.wants/cmtftp.service ]] || fail "the unit is not enabled"
  check_conffile
  MANWIDTH=80 man -l /usr/share/man/man1/cmtftp-serve.1.gz 2>/dev/null >"$work/man.txt"
  grep -q -- '--tftp-addr' "$work/man.txt" || fail "man cmtftp-serve does not render"
  grep -q 'cmtftp serve' "$work/man.txt" || fail "man cmtftp-serve does not render"
  bash -c '. /usr/share/bash-completion/completions/cmtftp && complete -p cmtftp' >/dev/null || fail "bash completion does not load"
}

# check_conffile: serve reads the packaged file as it is, and with every
# commented key uncommented.
check_conffile() {
  local conf=/etc/cmtftp/cmtftp.yaml k
  /usr/bin/cmtftp config show --config "$conf" >"$work/config.txt" 2>&1 || { cat "$work/config.txt" >&2; fail "config show: $conf"; }
  for k in db root tftp-addr http-addr admin-addr admin-token-file log-level; do
    grep -Eq "^$k +.* file $conf:[0-9]+\$" "$work/config.txt" || fail "$k does not come from $conf: $(grep "^$k " "$work/config.txt")"
  done
  sed -E 's/^# ([a-z][a-z-]*: )/\1/' "$conf" >"$work/all.yaml"
  (($(grep -cE '^[a-z]' "$work/all.yaml") > 20)) || fail "fewer than 20 keys in $conf"
  /usr/bin/cmtftp config show --config "$work/all.yaml" >"$work/config.txt" 2>&1 || { cat "$work/config.txt" >&2; fail "a commented key of $conf is refused"; }
}

# check_unit UNIT MAX: systemd-analyze verify, and the exposure score.
check_unit() {
  local exposure
  systemd-analyze verify "$1" >"$work/verify.log" 2>&1 || { cat "$work/verify.log" >&2; fail "systemd-analyze verify $1"; }
  [[ -s $work/verify.log ]] && { cat "$work/verify.log" >&2; fail "systemd-analyze verify warned"; }
  systemd-analyze security --offline=yes "$1" >"$work/security.log" 2>&1 || true
  exposure=$(sed -n 's/.*Overall exposure level for cmtftp.service: \([0-9.]*\).*/\1/p' "$work/security.log")
  [[ -n $exposure ]] || { cat "$work/security.log" >&2; fail "no exposure level"; }
  echo "   not hardened (systemd-analyze security): $(grep '✗' "$work/security.log" | awk '{print $2}' | tr '\n' ' ')"
  echo "   exposure $exposure (at most $2)"
  awk -v e="$exposure" -v m="$2" 'BEGIN { exit !(e <= m) }' || fail "exposure $exposure is worse than $2"
  grep -qx 'AmbientCapabilities=CAP_NET_BIND_SERVICE' "$1" || fail "the unit lost its capability"
  grep -qx 'Type=notify' "$1" || fail "the unit lost Type=notify"
}

# start_notify_socket: a datagram socket standing in for systemd's
# NOTIFY_SOCKET (in /run, as systemd's is: the sandbox hides /tmp); what the
# server sends is appended to $work/notify.log.
start_notify_socket() {
  local i
  notify_dir=$(mktemp -d /run/cmtftp-package-test.XXXXXX)
  chmod 0711 "$notify_dir"
  socat -u "UNIX-RECV:$notify_dir/notify,perm=0666" "CREATE:$work/notify.log" &
  notify_pid=$!
  for ((i = 0; i < 50; i++)); do
    [[ -S $notify_dir/notify ]] && return 0
    sleep 0.1
  done
  fail "socat made no notify socket"
}

# notified MSG: how many times the server sent MSG (READY=1, …) so far.
notified() { grep -o "$1" "$work/notify.log" 2>/dev/null | wc -l; }

# wait_notified MSG N: waits, at most 30 s, until the server sent MSG N times.
wait_notified() {
  local i
  for ((i = 0; i < 150; i++)); do
    (($(notified "$1") >= $2)) && return 0
    [[ ${3:-} == dead-ok ]] || kill -0 "$pid" 2>/dev/null || fail "the server exited: $(tail -n 5 "$work/serve.log")"
    sleep 0.2
  done
  fail "the server did not send $1 ($2 times) within 30 s; it sent: $(tr '\n' ' ' <"$work/notify.log")"
}

# The file system as the unit's ProtectSystem=strict, ReadWritePaths=,
# PrivateTmp=, ProtectHome= and ProtectKernelTunables= leave it, in a mount
# namespace of the server's own (unshare; then setpriv and ExecStart run in
# it), with the unit's UMask=0077: all read-only but /var/lib/cmtftp, an empty /tmp and /var/tmp,
# /home and /root inaccessible, /proc/sys read-only.
# shellcheck disable=SC2016 # expanded by the sandbox's sh
sandbox='mount --rbind / / && mount -o remount,bind,ro / &&
  mount --bind /var/lib/cmtftp /var/lib/cmtftp && mount -o remount,bind,rw /var/lib/cmtftp &&
  mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=1777 tmpfs /var/tmp &&
  for d in /home /root; do [ ! -d $d ] || mount -t tmpfs -o mode=000 tmpfs $d; done &&
  mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && umask 0077 && exec "$@"'

# start_as_unit UNIT LOG: runs ExecStart as systemd would, without systemd:
# a clean environment, the sandbox's file system, user cmtftp, only
# CAP_NET_BIND_SERVICE, no new privileges, NOTIFY_SOCKET and WATCHDOG_USEC
# set (2 s rather than the unit's 30 s, so that a watchdog ping comes
# soon); ready once it sends READY=1, as Type=notify waits for.
start_as_unit() {
  local exec_start
  exec_start=$(sed -n 's/^ExecStart=//p' "$1")
  [[ $exec_start == "/usr/bin/cmtftp serve --config /etc/cmtftp/cmtftp.yaml" ]] || fail "ExecStart=$exec_start"
  grep -qx 'WatchdogSec=30s' "$1" || fail "the unit lost its watchdog"
  grep -qx 'NotifyAccess=main' "$1" || fail "the unit lost NotifyAccess=main"
  grep -qx 'ProtectSystem=strict' "$1" || fail "the unit lost ProtectSystem=strict"
  grep -qx 'ReadWritePaths=/var/lib/cmtftp' "$1" || fail "the unit's ReadWritePaths= is not the sandbox's"
  grep -qx 'UMask=0077' "$1" || fail "the unit's UMask= is not the sandbox's"
  start_notify_socket
  # shellcheck disable=SC2086 # ExecStart is split into words as systemd does here
  (cd / && exec env -i PATH=/usr/bin:/bin NOTIFY_SOCKET="$notify_dir/notify" WATCHDOG_USEC=2000000 \
    unshare --mount --propagation private sh -c "$sandbox" sandbox \
    setpriv --reuid=cmtftp --regid=cmtftp --init-groups \
    --inh-caps=-all,+net_bind_service --ambient-caps=-all,+net_bind_service \
    --bounding-set=-all,+net_bind_service --no-new-privs $exec_start) >"$2" 2>&1 &
  pid=$!
  wait_notified READY=1 1
  curl -sf -o /dev/null http://127.0.0.1:6980/readyz || fail "READY=1 sent but /readyz fails"
  wait_notified WATCHDOG=1 1
  [[ $(readlink "/proc/$pid/ns/mnt") != $(readlink /proc/self/ns/mnt) ]] || fail "the server is not in its sandbox's mount namespace"
  [[ $(readlink "/proc/$pid/exe") == /usr/bin/cmtftp ]] || fail "the server's process is $(readlink "/proc/$pid/exe")"
}

# check_reload: systemctl reload's SIGHUP (ExecReload) after an admin edits
# the config file and rotates the token: RELOADING=1, READY=1 again, the
# new log level and token in use, the old token refused.
check_reload() {
  local old new
  # shellcheck disable=SC2016 # $MAINPID is systemd's, literally
  grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit" || fail "ExecReload"
  old=$(cat /etc/cmtftp/admin-token)
  new=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  echo "$new" >/etc/cmtftp/admin-token
  rotated_token=$new
  sed -i 's/^log-level: info$/log-level: debug/' /etc/cmtftp/cmtftp.yaml
  kill -HUP "$pid"
  wait_notified RELOADING=1 1
  wait_notified READY=1 2
  grep -q 'reloaded log level debug, admin token' "$work/serve.log" || fail "the reload did not say so: $(tail -n 3 "$work/serve.log")"
  curl -sf -o /dev/null -H "Authorization: Bearer $new" http://127.0.0.1:6980/api/v1/params || fail "the new token is refused"
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $old" http://127.0.0.1:6980/api/v1/params) == 401 ]] ||
    fail "the old token still works after the reload"
}

# check_serving NAME WORK: a file put in /srv/tftp comes back over TFTP 69
# (IPv4 and IPv6) and HTTP 6970, from a process of user cmtftp holding only
# CAP_NET_BIND_SERVICE; the database is the state folder's.
check_serving() {
  local name=$1 dir=$2 uid
  head -c 20000 /dev/urandom >"/srv/tftp/$name"
  chmod 0644 "/srv/tftp/$name"
  tftp -m binary 127.0.0.1 69 -c get "$name" "$dir/got-tftp4" || fail "tftp get from 127.0.0.1:69"
  cmp "/srv/tftp/$name" "$dir/got-tftp4" || fail "TFTP 127.0.0.1:69 served other bytes"
  tftp -m binary ::1 69 -c get "$name" "$dir/got-tftp6" || fail "tftp get from [::1]:69"
  cmp "/srv/tftp/$name" "$dir/got-tftp6" || fail "TFTP [::1]:69 served other bytes"
  curl -sf -o "$dir/got-http" "http://127.0.0.1:6970/$name" || fail "HTTP GET 127.0.0.1:6970/$name"
  cmp "/srv/tftp/$name" "$dir/got-http" || fail "HTTP 6970 served other bytes"
  uid=$(id -u cmtftp)
  [[ $(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status") == "$uid $uid $uid $uid" ]] ||
    fail "the server does not run as cmtftp: $(grep Uid "/proc/$pid/status")"
  [[ $(ps -o user= -p "$pid") == cmtftp ]] || fail "ps: the server's user is $(ps -o user= -p "$pid")"
  grep -q '^CapEff:[[:space:]]*0000000000000400$' "/proc/$pid/status" || fail "capabilities: $(grep Cap "/proc/$pid/status")"
  grep -q '^CapBnd:[[:space:]]*0000000000000400$' "/proc/$pid/status" || fail "bounding set: $(grep CapBnd "/proc/$pid/status")"
  grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$pid/status" || fail "NoNewPrivs is not set"
  [[ $(stat -c '%U %a' /var/lib/cmtftp/cmtftp.db) == "cmtftp 600" ]] ||
    fail "no database in /var/lib/cmtftp, cmtftp's alone: $(stat -c '%U %a' /var/lib/cmtftp/cmtftp.db)"
  curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:6980/api/v1/params | grep -qx 401 || fail "the admin API answers without the token"
  curl -sf -o /dev/null -H "Authorization: Bearer $(cat /etc/cmtftp/admin-token)" http://127.0.0.1:6980/api/v1/params ||
    fail "the admin API refuses the packaged token"
  CMTFTP_ADMIN_TOKEN=$(cat /etc/cmtftp/admin-token) /usr/bin/cmtftp device list >"$dir/cli.txt" 2>&1 ||
    fail "cmtftp device list against the installed server: $(cat "$dir/cli.txt")"
}

# stop_server: SIGTERM, as systemctl stop sends; the server exits 0.
stop_server() {
  local i rc=0
  kill -TERM "$pid"
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && fail "the server did not stop within 30 s of SIGTERM"
  wait "$pid" || rc=$?
  pid=
  ((rc == 0)) || fail "the server exited $rc on SIGTERM"
  wait_notified STOPPING=1 1 dead-ok
  echo "   sd_notify: READY=1 x$(notified READY=1), WATCHDOG=1 x$(notified WATCHDOG=1), RELOADING=1 x$(notified RELOADING=1), STOPPING=1 x$(notified STOPPING=1)"
}

# check_upgrade VERSION: an upgrade kept the admin's edits: the edited
# conffile, the rotated token, the database, the user.
check_upgrade() {
  [[ $(/usr/bin/cmtftp --version) == "cmtftp version $1" ]] || fail "after the upgrade: $(/usr/bin/cmtftp --version)"
  grep -qx 'log-level: debug' /etc/cmtftp/cmtftp.yaml || fail "the upgrade replaced the edited conffile"
  [[ $(cat /etc/cmtftp/admin-token) == "$rotated_token" ]] || fail "the upgrade replaced the admin token"
  [[ $(stat -c '%U:%G %a' /etc/cmtftp/admin-token) == "root:cmtftp 640" ]] || fail "admin-token after the upgrade: $(stat -c '%U:%G %a' /etc/cmtftp/admin-token)"
  [[ $(stat -c %U /var/lib/cmtftp/cmtftp.db) == cmtftp ]] || fail "the upgrade lost the database"
  [[ $(id -u cmtftp) == "$cmtftp_uid" ]] || fail "the upgrade made the cmtftp user again"
}

# check_removed: dpkg -r took the files but left the conffile and the user.
check_removed() {
  local f
  for f in /usr/bin/cmtftp "$unit" /usr/share/man/man1/cmtftp-serve.1.gz /usr/share/bash-completion/completions/cmtftp; do
    [[ ! -e $f ]] || fail "dpkg -r left $f"
  done
  [[ -f /etc/cmtftp/cmtftp.yaml ]] || fail "dpkg -r removed the conffile (only purge should)"
  getent passwd cmtftp >/dev/null || fail "dpkg -r removed the user (only purge should)"
}

# check_purged: nothing of the package is left.
check_purged() {
  local f left
  local gone=(/etc/cmtftp /var/lib/cmtftp /usr/share/doc/cmtftp)
  [[ -n $srv_tftp_before ]] || gone+=(/srv/tftp)
  for f in "${gone[@]}"; do
    [[ ! -e $f ]] || fail "dpkg -P left $f: $(ls -la "$f")"
  done
  [[ -z $srv_tftp_before || -d /srv/tftp ]] || fail "dpkg -P removed the /srv/tftp another package made"
  getent passwd cmtftp >/dev/null && fail "dpkg -P left the cmtftp user"
  getent group cmtftp >/dev/null && fail "dpkg -P left the cmtftp group"
  [[ -d /srv ]] || fail "dpkg -P removed /srv"
  left=$(find /etc/systemd /var/lib/systemd -name '*cmtftp*' 2>/dev/null)
  [[ -z $left ]] || fail "dpkg -P left $left"
  dpkg-query -W -f='${db:Status-Status}' cmtftp 2>/dev/null | grep -qv '^not-installed$' && fail "dpkg still knows cmtftp"
  return 0
}

step "build (scripts/package)"
deb=$(scripts/package | tail -n 1)
[[ -f $deb && $deb == dist/cmtftp_*_amd64.deb ]] || fail "scripts/package printed $deb"
version=$(dpkg-deb -f "$deb" Version)
check_package_file "$deb"

step "install (dpkg -i $deb)"
run_dpkg -i "$deb"
check_installed "$version"
check_unit "$unit" "$max_exposure"

step "serve as the unit would"
start_as_unit "$unit" "$work/serve.log"
check_serving "$name" "$work"
check_reload
stop_server

step "upgrade (apt-get install ./ of a later version)"
cmtftp_uid=$(id -u cmtftp)
deb2=$(scripts/package --version "$version+upgrade" | tail -n 1)
run_apt_install "$deb2"
check_upgrade "$version+upgrade"

step "remove (dpkg -r), then purge (dpkg -P)"
rm -f "/srv/tftp/$name"
run_dpkg -r cmtftp
check_removed
run_dpkg -P cmtftp
check_purged
echo "package-test: ok ($deb)"
