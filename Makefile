# make install [DESTDIR=...] [PREFIX=/usr/local]: publishes the programs and installs the shipped
# filters, jails and actions (beside the programs), the default configuration (never overwriting
# an existing one), systemd units and a logrotate snippet. make uninstall removes them again,
# except the configuration an admin may have edited (/etc/scanjail) and the state (/var/lib/scanjail).
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib/scanjail
DOCDIR = $(PREFIX)/share/doc/scanjail
UNITDIR ?= $(PREFIX)/lib/systemd/system
LOGROTATEDIR = $(SYSCONFDIR)/logrotate.d
CONFIGURATION ?= Release
PUBLISH ?= artifacts/install

# The listener is built only once its project exists (issue 3).
LISTENER := $(wildcard src/ScanJail.Listener/ScanJail.Listener.csproj)
PROGRAMS = scanjail scanjail-client $(if $(LISTENER),scanjail-listener)
UNITS = scanjail.service $(if $(LISTENER),scanjail-listener.service)

.PHONY: all publish install uninstall

all: publish

publish:
	@command -v gcc >/dev/null || { echo "make: scanjail-client is linked as a native program: install gcc and libc6-dev (scripts/setup does)" >&2; exit 1; }
	dotnet publish src/ScanJail.Daemon -c $(CONFIGURATION) -o $(PUBLISH) --nologo --verbosity quiet
	dotnet publish src/ScanJail.Client -c $(CONFIGURATION) -o $(PUBLISH) --nologo --verbosity quiet
ifneq ($(LISTENER),)
	dotnet publish src/ScanJail.Listener -c $(CONFIGURATION) -o $(PUBLISH) --nologo --verbosity quiet
endif

install: publish
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(LOGROTATEDIR) $(DESTDIR)$(DOCDIR)
	cp -R $(PUBLISH)/. $(DESTDIR)$(LIBDIR)/
	# Relative links, so they also resolve inside DESTDIR.
	for p in $(PROGRAMS); do ln -sf ../lib/scanjail/$$p $(DESTDIR)$(BINDIR)/$$p; done
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/scanjail $(DESTDIR)$(SYSCONFDIR)/scanjail/filters $(DESTDIR)$(SYSCONFDIR)/scanjail/jails $(DESTDIR)$(SYSCONFDIR)/scanjail/actions
	[ -e $(DESTDIR)$(SYSCONFDIR)/scanjail/jail.yaml ] || install -m 0644 config/jail.yaml $(DESTDIR)$(SYSCONFDIR)/scanjail/jail.yaml
	if [ -f config/listener.yaml ] && [ ! -e $(DESTDIR)$(SYSCONFDIR)/scanjail/listener.yaml ]; then install -m 0644 config/listener.yaml $(DESTDIR)$(SYSCONFDIR)/scanjail/listener.yaml; fi
	for u in $(UNITS); do \
	  sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' packaging/systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u; \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; \
	done
	install -m 0644 packaging/logrotate/scanjail $(DESTDIR)$(LOGROTATEDIR)/scanjail
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	cp -R docs packaging $(DESTDIR)$(DOCDIR)/

uninstall:
	for p in scanjail scanjail-client scanjail-listener; do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for u in scanjail.service scanjail-listener.service; do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -f $(DESTDIR)$(LOGROTATEDIR)/scanjail
	rm -rf $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DOCDIR)
