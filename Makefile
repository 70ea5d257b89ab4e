# Build, install and test the one-binary Open vSwitch.
#   make            build bin/ovs and a symlink per tool
#   make test       install test dependencies if missing, go vet, unit and end-to-end tests
#   make bench      benchmarks (go test -bench, then the bench/ scripts when present)
#   make fuzz       every fuzz target for FUZZTIME each
#   make install    PREFIX=/usr/local DESTDIR=

GO       ?= go
PREFIX   ?= /usr/local
DESTDIR  ?=
FUZZTIME ?= 10s
VERSION  ?= 0.1.0
COMMIT   ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
PKG      := github.com/govs/ovs
LDFLAGS  := -s -w -R 0x200000 -X $(PKG)/internal/version.Version=$(VERSION) -X $(PKG)/internal/version.Commit=$(COMMIT)

export CGO_ENABLED := 0

.PHONY: all build test vet unit bench fuzz install clean deps man

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ovs .
	-@bin/ovs --text-hugepages bin/ovs
	@for t in $$(bin/ovs --list-tools); do ln -sfn ovs bin/$$t; done

deps:
	@sh test/install-deps.sh

vet:
	$(GO) vet ./...

test: deps build vet
	$(GO) test -count=1 -timeout 20m ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@for s in bench/*.sh; do [ -f "$$s" ] && sh "$$s"; done; true

fuzz:
	@failed=""; \
	for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list 'Fuzz.*' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || failed="$$failed $$pkg.$$f"; \
	  done; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz failures:$$failed"; exit 1; fi

man: build
	bin/ovs man bin/man

install: build man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/openvswitch/scripts $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 bin/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0755 bin/ovs $(DESTDIR)$(PREFIX)/bin/ovs
	-@bin/ovs --text-hugepages $(DESTDIR)$(PREFIX)/bin/ovs
	@for t in $$(bin/ovs --list-tools); do \
	  ln -sfn ovs $(DESTDIR)$(PREFIX)/bin/$$t; \
	  case $$t in ovs-ctl|ovs-save) ln -sfn ../../../bin/ovs $(DESTDIR)$(PREFIX)/share/openvswitch/scripts/$$t;; esac; \
	done
	install -m 0644 db/ovsdb/schemas/vswitch.ovsschema $(DESTDIR)$(PREFIX)/share/openvswitch/vswitch.ovsschema

clean:
	rm -rf bin
