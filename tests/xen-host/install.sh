# SPDX-License-Identifier: GPL-2.0-only
# install: xenlogd's packages installed as an admin does, from the .debs this
# test command built (`apt install ./xenlogd_*.deb ./libxenlog0_*.deb`), and
# turned on as the README says; a guest put into /etc/xen/auto for
# xendomains to start at the next boot.
D=/root/xenlogd-debs
rm -rf "$D"; mkdir -p "$D"
cp /host/debs/*.deb "$D/"
chmod -R a+rX "$D"
cd "$D" || exit 1
t=$(date +%s)
if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ./xenlogd_*.deb ./libxenlog0_*.deb > /host/out/apt-install.log 2>&1; then
    ok "apt install ./xenlogd_*.deb ./libxenlog0_*.deb"
else
    fail "apt install ./xenlogd_*.deb ./libxenlog0_*.deb"; tail -n 30 /host/out/apt-install.log
fi
figure apt_install_s $(( $(date +%s) - t ))
dpkg-query -W xenlogd libxenlog0 | sed 's/^/  installed: /'
# turned on as the README's "Install on a Xen host" says
xh_enable
check "xenlogd.service enabled" systemctl -q is-enabled xenlogd.service
check "xenlogd.service active after install" systemctl -q is-active xenlogd.service

# the guest xendomains starts at the next boot: its files on the root disk
mkdir -p /etc/xen/auto
xs_cfg_pv_qdisk auto1 > /etc/xen/auto1.cfg
ln -sf /etc/xen/auto1.cfg /etc/xen/auto/auto1.cfg
check "guest auto1 in /etc/xen/auto" [ -e /etc/xen/auto/auto1.cfg ]
