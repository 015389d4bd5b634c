# SPDX-License-Identifier: GPL-2.0-only
# security (scenario 6): systemd rates xenlogd.service's exposure at 2.0 or
# less on the booted host, and under that unit the daemon still reports its
# own sandbox: Landlock and seccomp on.
systemd-analyze security --no-pager xenlogd.service > /tmp/security.txt 2>&1
e=$(sed -n 's/.*Overall exposure level for xenlogd.service: \([0-9.]*\).*/\1/p' /tmp/security.txt)
figure security_exposure "${e:-none}"
grep '✗' /tmp/security.txt | head -n 12 | sed 's/^/  /'
check "systemd-analyze security xenlogd.service: exposure ${e:-?} <= 1.0 (docs/install.md)" \
    eval '[ -n "$e" ] && awk -v e="$e" "BEGIN { exit !(e <= 1.0) }"'
pid=$(systemctl show -P MainPID xenlogd.service)
sb=$(journalctl -b "_SYSTEMD_UNIT=xenlogd.service" -o cat --no-pager | grep 'sandbox:' | tail -n 1)
figure security_sandbox "\"$sb\""
figure security_seccomp_filters "$(awk '/^Seccomp_filters:/ { print $2 }' "/proc/$pid/status")"
check "the daemon reports Landlock on ($sb)" eval 'echo "$sb" | grep -q "landlock ABI [0-9]"'
check "the daemon reports seccomp on" eval 'echo "$sb" | grep -q "seccomp on"'
check "the kernel shows xenlogd ($pid) in seccomp filter mode" \
    [ "$(awk '/^Seccomp:/ { print $2 }' "/proc/$pid/status")" = 2 ]
check "no Landlock/seccomp refusal in its journal" \
    eval '! journalctl -b "_SYSTEMD_UNIT=xenlogd.service" -o cat --no-pager | grep -qi "landlock unavailable\|seccomp.*off\|EPERM\|not permitted"'
