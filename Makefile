# vpp-maglev (Java). `make` builds, `make test` tests, `make run` demos.
SHELL := /bin/bash
.DEFAULT_GOAL := all

JAVA_VERSION ?= 21
BUILD := $(CURDIR)/build
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
COMMIT_HASH := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
DATE := $(shell date -u +%Y-%m-%dT%H:%M:%SZ)

# One JDK selection: JAVA_HOME if it is >= JAVA_VERSION, else the newest
# qualifying JDK under /usr/lib/jvm. Found again in every recipe, so a JDK that
# install-deps-jdk just installed is used at once.
FIND_JDK := JAVA_VERSION=$(JAVA_VERSION) scripts/find-jdk.sh
JDK = $$($(FIND_JDK))
NO_JDK := no JDK >= $(JAVA_VERSION) found: set JAVA_HOME, or install openjdk-$(JAVA_VERSION)-jdk-headless (make install-deps-jdk)

# For the scripts: the JDK found when make started (they look for one themselves if empty).
export JAVA_HOME := $(shell $(FIND_JDK))

MVN = jdk=$(JDK); [ -n "$$jdk" ] || { echo "$(NO_JDK)" >&2; exit 1; }; \
  JAVA_HOME=$$jdk PATH=$$jdk/bin:$$PATH \
  mvn -B -ntp -Dmaglev.version=$(VERSION) -Dmaglev.commit=$(COMMIT_HASH) -Dmaglev.date=$(DATE)
PROGRAMS := maglevd maglevc maglevd-frontend maglevt maglev-vppsim

.PHONY: all build web test fuzz run pkg-deb install-deps install-deps-apt install-deps-jdk install-deps-node clean fixstyle lint bench bench-probes bench-cli bench-maglev bench-vpp bench-reconcile bench-frontend bench-maglevt FORCE

all: build

# `make build` (and so `make run`) builds only what is out of date, by file times: npm ci when
# package-lock.json or package.json is newer than node_modules' stamp, the web page when its
# sources or config are newer than dist/index.html, and mvn package and scripts/assemble.sh when
# a module's sources or pom, the web page, assemble.sh, the version (git describe, -dirty
# included) or the JDK changed since BUILD/.built. A stamp takes the time its step started, so a
# file edited during the step is built again next time. `make test` always builds afresh.
WEB := maglev-frontend/web
MODULES := proto vpp-apigen vpp-api vpp-sim common maglev-config maglevd maglevc maglev-frontend maglevt
NPM_STAMP := $(WEB)/node_modules/.maglev-npm-ci
WEB_DIST := $(WEB)/dist/index.html
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/public -type f 2>/dev/null) \
  $(wildcard $(addprefix $(WEB)/,index.html vite.config.ts tsconfig.json package.json))
JAVA_SOURCES := pom.xml .mvn/jvm.config $(wildcard $(addsuffix /pom.xml,$(MODULES))) \
  $(shell find $(addsuffix /src,$(MODULES)) -type f 2>/dev/null) scripts/assemble.sh
BUILT := $(BUILD)/.built
BUILD_KEY := $(BUILD)/.build-key

build: $(BUILT)

web: $(WEB_DIST)

$(NPM_STAMP): $(WEB)/package-lock.json $(WEB)/package.json | install-deps-node
	@start=$$(mktemp); \
	(cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error) && touch -r $$start $@; \
	rc=$$?; rm -f $$start; exit $$rc

# The dashboard page (SolidJS + TypeScript, Vite) into maglev-frontend/web/dist, which the
# frontend's jar carries; npm ci installs exactly the committed package-lock.json.
$(WEB_DIST): $(NPM_STAMP) $(WEB_SOURCES)
	@start=$$(mktemp); \
	(cd $(WEB) && npm run build --silent) && touch -r $$start $@; \
	rc=$$?; rm -f $$start; exit $$rc

# What the build embeds besides the sources: rewritten only when it changed.
$(BUILD_KEY): FORCE
	@mkdir -p $(@D); key="$(VERSION) $(JAVA_HOME)"; \
	[ "$$(cat $@ 2>/dev/null)" = "$$key" ] || echo "$$key" >$@

$(BUILT): $(BUILD_KEY) $(JAVA_SOURCES) $(WEB_DIST)
	@touch $@.start
	$(MVN) -q -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true package
	@scripts/assemble.sh $(BUILD) $(PROGRAMS)
	@touch -r $@.start $@ && rm -f $@.start

# Every test: unit and integration tests (mvn verify: Spotless, Error Prone,
# enforcer included), then checks of the assembled launchers. Each shell test runs
# through tests/run.sh, which notes it in BUILD/test-summary as passed or SKIPPED (with
# the reason); the summary ends the output. MAGLEV_TEST_NO_SKIP=1 (CI) fails a skip.
TEST_SUMMARY := $(BUILD)/test-summary
RUN_TEST := tests/run.sh $(TEST_SUMMARY)
test: install-deps
	@mkdir -p $(BUILD) && : >$(TEST_SUMMARY)
	$(MAKE) --no-print-directory -B web
	$(MAKE) --no-print-directory lint
	@echo "passed:  lint" >>$(TEST_SUMMARY)
	cd $(WEB) && npm test --silent
	@echo "passed:  web unit tests (npm test)" >>$(TEST_SUMMARY)
	@$(MAKE) --no-print-directory $(BUILD_KEY) && touch $(BUILT).start
	$(MVN) verify
	@echo "passed:  mvn verify" >>$(TEST_SUMMARY)
	@scripts/assemble.sh $(BUILD) $(PROGRAMS)
	@touch -r $(BUILT).start $(BUILT) && rm -f $(BUILT).start
	$(RUN_TEST) smoke tests/smoke.sh $(BUILD)
	$(RUN_TEST) make-run tests/make-run.sh $(BUILD)
	$(RUN_TEST) maglevc-shell tests/maglevc-shell.sh $(BUILD)
	$(RUN_TEST) maglevt tests/maglevt.sh $(BUILD)
	$(RUN_TEST) dashboard-e2e tests/dashboard-e2e.sh $(BUILD)
	$(RUN_TEST) dashboard-fleet-e2e tests/dashboard-fleet-e2e.sh $(BUILD)
	scripts/build-deb.sh $(BUILD) $(DEB_VERSION) $(BUILD)/deb
	$(RUN_TEST) pkg-deb tests/pkg-deb.sh $(BUILD)/deb
	@echo "make test: summary"; sed 's/^/  /' $(TEST_SUMMARY)

# Debian packages vpp-maglevd and vpp-maglev into build/deb (version from git).
DEB_VERSION := $(shell v=$$(sed -n 's#^  <version>\(.*\)-SNAPSHOT</version>#\1#p' pom.xml | head -n1); \
  echo "$${v:-0.1.0}+git$$(git rev-list --count HEAD 2>/dev/null || echo 0).$$(git rev-parse --short HEAD 2>/dev/null || echo unknown)")
pkg-deb: build
	scripts/build-deb.sh $(BUILD) $(DEB_VERSION) $(BUILD)/deb

# Formatting (Spotless) and Error Prone (in the compile), the SPA's type check and ESLint.
lint: $(NPM_STAMP)
	$(MVN) -q -DskipTests -Djacoco.skip=true spotless:check compile
	cd $(WEB) && npm run lint --silent

fixstyle:
	$(MVN) -q spotless:apply

run: install-deps build
	scripts/demo.sh $(BUILD)

# Debian packages the tests need: promtool (prometheus) for the metrics check,
# ip (iproute2) and setpriv (util-linux) for network namespaces, python3 for
# the demo backends, tmux for real-terminal tests, groff for the man pages,
# dpkg-dev/fakeroot/lintian/man-db/systemd for building and checking the packages.
# Idempotent: installs only what is missing. Every apt-get waits (up to 10 minutes) for
# the locks another apt or dpkg holds, e.g. a fresh VM's unattended upgrades
# (scripts/apt-retry.sh).
APT_PACKAGES := prometheus iproute2 curl python3 util-linux tmux procps groff-base openssl \
  fakeroot lintian man-db systemd adduser chromium fonts-noto-color-emoji
install-deps: install-deps-apt install-deps-jdk install-deps-node

# A JDK >= JAVA_VERSION (make install-deps-jdk JAVA_VERSION=25): found, or installed from Debian.
install-deps-jdk:
	@if [ -n "$$($(FIND_JDK))" ]; then exit 0; fi; \
	pkg=openjdk-$(JAVA_VERSION)-jdk-headless; \
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	if [ -n "$$(apt-cache madison $$pkg 2>/dev/null)" ]; then \
	  echo "installing: $$pkg"; \
	  $$SUDO scripts/apt-retry.sh apt-get install -y -qq --no-install-recommends $$pkg; \
	else \
	  echo "$(NO_JDK); this Debian ($$(cat /etc/debian_version 2>/dev/null)) has no $$pkg: install a JDK >= $(JAVA_VERSION) under /usr/lib/jvm (e.g. Temurin) or point JAVA_HOME at one" >&2; \
	  exit 1; \
	fi

# node and npm >= NODE_VERSION for the SPA (make install-deps-node NODE_VERSION=22).
NODE_VERSION ?= 20
install-deps-node:
	@have=$$(node --version 2>/dev/null | sed -n 's/^v\{0,1\}\([0-9][0-9]*\).*/\1/p'); \
	if [ -n "$$have" ] && [ "$$have" -ge $(NODE_VERSION) ] && command -v npm >/dev/null; then exit 0; fi; \
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	cand=$$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: \([0-9]*:\)\{0,1\}\([0-9][0-9]*\).*/\2/p'); \
	if [ -n "$$cand" ] && [ "$$cand" -ge $(NODE_VERSION) ]; then \
	  $$SUDO scripts/apt-retry.sh apt-get install -y -qq --no-install-recommends nodejs npm; \
	else \
	  echo "node >= $(NODE_VERSION) is needed for the SPA; found $${have:-none}, Debian offers $${cand:-none}: install it from nodejs.org or set NODE_VERSION" >&2; \
	  exit 1; \
	fi

install-deps-apt:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO scripts/apt-retry.sh apt-get update -qq \
	    && $$SUDO scripts/apt-retry.sh apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The property checks (tests named *PropertyTest) with FUZZ_TRIES times their tries and a seed of
# this run's own (FUZZ_SEED to replay one a failure printed); make test runs them with fixed seeds.
FUZZ_TRIES ?= 50
FUZZ_SEED ?= $(shell date +%s)
fuzz:
	$(MVN) -Djacoco.skip=true -Dspotless.check.skip=true -Dtest='*PropertyTest' \
	  -Dsurefire.failIfNoSpecifiedTests=false -Dmaglev.fuzz.tries=$(FUZZ_TRIES) \
	  -Dmaglev.fuzz.seed=$(FUZZ_SEED) test

bench: bench-probes bench-cli bench-maglev bench-vpp bench-reconcile bench-frontend bench-maglevt

# maglevt probing 500 loopback VIPs at 100 ms (DURATION seconds, default 60).
bench-maglevt: build
	bench/maglevt.sh $(BUILD)

# VPP API client against maglev-vppsim: pipelined throughput, the 16k-AS dump, Maglev tables.
bench-vpp: build
	bench/vpp.sh $(BUILD)

# maglevd's reconciler against maglev-vppsim: 1,000 frontends x 16 backends.
bench-reconcile: build
	bench/reconcile.sh $(BUILD)

# maglevd-frontend: 500 SSE clients while 100 backends flap.
bench-frontend: build
	bench/frontend.sh $(BUILD)

# VPP Maglev table build time (vpp-api).
bench-maglev: build
	bench/maglev-table.sh

# maglevc one-shot start time against a bare JVM.
bench-cli: build
	bench/cli.sh $(BUILD)

# maglevd vs HAProxy health-checking N HTTP backends (see docs/performance.md).
bench-probes: build
	bench/probes.sh $(BUILD)

clean:
	$(MVN) -q clean
	rm -rf $(BUILD)
