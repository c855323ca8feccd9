"""Serves several Synapse homeservers ("tenants") in one Python process for Homeport's local runtime.

Run with the Synapse virtual environment's python:

    python synapse-tenants.py --process-dir DIR

DIR/tenants/ holds one file per tenant, named by the host's id, holding the absolute path of the
host's homeserver.yaml: the tenants this process should serve. It is read at start (so a restart
of the whole process brings every tenant back) and again on each `sync` request on the control
socket DIR/control.sock (mode 0600), which answers with every tenant's state as one JSON line.
Upstream's `create_homeserver`, `setup` and `start` raise instead of exiting, so one tenant's
failure is caught here and reported (and retried with backoff) while the others keep serving.
See docs/density-shared-processes.md for what tenants of one process share.
"""

import argparse
import gc
import json
import logging
import logging.config
import math
import os
import sys
import threading
import time
import traceback

import yaml
from twisted.internet import defer, reactor
from twisted.internet.protocol import Factory
from twisted.internet.task import LoopingCall
from twisted.internet.tcp import Port
from twisted.protocols.basic import LineOnlyReceiver
from twisted.web.http import datetimeToLogString

import synapse.config.logger as synapse_logger
from synapse.app import homeserver
from synapse.config.homeserver import HomeServerConfig
from synapse.http.site import SynapseSite
from synapse.logging.context import LoggingContext, PreserveLoggingContext
from synapse.metrics import install_gc_manager
from synapse.synapse_rust import reset_logging_config
from synapse.util.rlimit import change_resource_limit

harness_log = logging.getLogger("homeport.tenants")

# A tenant that failed is tried again after 1, 2, 4 ... seconds, at most 30: like the supervisor
# restarts a crashed process, so a database that is away for a moment does not fail a host for good.
MAX_RETRY_SECONDS = 30

# A quiet tenant (its host sleeps: no outside request for Homeport's hibernation time) runs its
# periodic background tasks this many times less often, so that it needs a database connection
# rarely (docs/density-shared-processes.md, "Idle tenants").
QUIET_STRETCH = 10

# ... and all of them together: each stretched interval is rounded up to a multiple of this many
# seconds, and all restart at once, so the tasks that need the database meet in one burst every
# QUIET_PERIOD seconds and share the connections it opens, instead of each opening its own.
QUIET_PERIOD = 300

# Looping calls that keep a promise on a fixed clock and are never stretched: a held database
# lock is renewed every 30 s and counts as abandoned after 2 minutes (Synapse's lock store), so
# renewed ten times less often a lock held while its host fell asleep would be taken over, or
# reaped, while still held.
KEEPS_ITS_CLOCK = {"Lock._renew"}


def keeps_its_clock(call):
    """Whether a looping call (Synapse's Clock wraps the function with functools.wraps) must keep its interval."""
    f = getattr(call.f, "__wrapped__", call.f)
    return getattr(f, "__qualname__", None) in KEEPS_ITS_CLOCK


def quiet_interval(interval):
    """A looping call's interval while its tenant is quiet: stretched, then rounded up to a multiple of QUIET_PERIOD."""
    return math.ceil(interval * QUIET_STRETCH / QUIET_PERIOD) * QUIET_PERIOD


class Tenant:
    def __init__(self, tenant_id, config_path):
        self.id = tenant_id
        self.config_path = config_path
        self.server_name = None
        self.hs = None
        self.state = "starting"
        self.error = None
        self.failures = 0
        self.retry = None
        self.removed = False
        self.idle_connections = None
        # Interval of each of the tenant's looping calls before it was made quiet.
        self.quiet_intervals = None

    def set_quiet(self, quiet):
        """Stretches the intervals of the tenant's looping calls (Synapse's clock keeps them), or restores them."""
        if self.hs is None or self.state != "running" or quiet == (self.quiet_intervals is not None):
            return
        calls = list(self.hs.get_clock()._looping_calls)
        if quiet:
            self.quiet_intervals = {}
            for call in calls:
                if call.running and call.interval and not keeps_its_clock(call):
                    self.quiet_intervals[call] = call.interval
                    call.interval = quiet_interval(call.interval)
                    # From now on: every stretched call is due at a multiple of QUIET_PERIOD from here.
                    call.reset()
        else:
            intervals, self.quiet_intervals = self.quiet_intervals, None
            for call, interval in intervals.items():
                if call.running:
                    call.interval = interval
                    call.reset()

    def report(self):
        connections = self.idle_connections.open_connections() if self.idle_connections is not None else 0
        return {"state": self.state, "failures": self.failures, "error": self.error, "serverName": self.server_name, "databaseConnections": connections, "quiet": self.quiet_intervals is not None}


class IdleConnections:
    """Closes a tenant's database connections that no work has used for a while.

    Synapse's pool is Twisted's adbapi ConnectionPool: one connection per pool thread, in
    `pool.connections` keyed by thread id, opened by `pool.connect()` (with Synapse's
    on-new-connection hook) when a thread first needs one and kept until the pool closes. So an
    idle tenant would hold every connection it ever opened. Every use of a connection goes
    through the pool's `_runWithConnection` or `_runInteraction` on a pool thread; both are
    wrapped here to count the thread's work in progress and note when it last ended, under one
    lock. Every few seconds the reactor thread (one sweep over every tenant of the process, by
    the harness) closes the connections of threads with no work in progress and idle longer than
    `idle_seconds`, removing them from `pool.connections` under the same lock, so a thread
    starting work either waits for the close or keeps its connection; the next work of that
    thread finds none and `connect()` opens a new one. A connection in use is never closed.
    """

    def __init__(self, pools, idle_seconds):
        self.pools = pools
        self.idle_seconds = idle_seconds
        self.lock = threading.Lock()
        self.busy = {}
        self.last_used = {}
        self.closed = 0
        for pool in pools:
            pool._runWithConnection = self.tracked(pool, pool._runWithConnection)
            pool._runInteraction = self.tracked(pool, pool._runInteraction)

    def tracked(self, pool, run):
        def run_tracked(*args, **kwargs):
            key = (id(pool), pool.threadID())
            with self.lock:
                self.busy[key] = self.busy.get(key, 0) + 1
            try:
                return run(*args, **kwargs)
            finally:
                with self.lock:
                    self.busy[key] -= 1
                    self.last_used[key] = time.monotonic()

        return run_tracked

    def open_connections(self):
        return sum(len(pool.connections) for pool in self.pools)

    def close_idle(self):
        now = time.monotonic()
        for pool in self.pools:
            for tid, conn in list(pool.connections.items()):
                key = (id(pool), tid)
                with self.lock:
                    if self.busy.get(key, 0) > 0 or pool.connections.get(tid) is not conn:
                        continue
                    # A connection opened before tracking began counts as used now.
                    if now - self.last_used.setdefault(key, now) < self.idle_seconds:
                        continue
                    del pool.connections[tid]
                    self.closed += 1
                    try:
                        pool._close(conn)
                    except Exception:
                        harness_log.warning("closing an idle database connection failed", exc_info=True)


class TenantLogRouter(logging.Handler):
    """Sends each log record to the handlers of the tenant it belongs to.

    Python's logging is one per process and Synapse loads a tenant's log config with dictConfig,
    which replaces every handler of the process: the last tenant would receive everyone's logs.
    Synapse's log record factory stamps each record with the `server_name` of its logging
    context, so records are routed by that; records of no tenant go to the process's stderr.
    """

    def __init__(self):
        super().__init__()
        self.tenants = {}
        self.fallback = logging.StreamHandler(sys.stderr)
        self.fallback.setLevel(logging.WARNING)
        self.fallback.setFormatter(logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(server_name)s - %(message)s"))

    def emit(self, record):
        handlers = self.tenants.get(getattr(record, "server_name", None))
        for handler in handlers if handlers is not None else [self.fallback]:
            if record.levelno >= handler.level:
                handler.handle(record)

    def set_tenant(self, server_name, handlers):
        for handler in self.tenants.pop(server_name, []):
            handler.close()
        self.tenants[server_name] = handlers

    def drop_tenant(self, server_name):
        for handler in self.tenants.pop(server_name, []):
            handler.close()


router = TenantLogRouter()
config_path_to_server_name = {}


def cache_log_time_once(site):
    """Replaces `_updateLogDateTime` of Synapse's HTTP sites: fills Twisted's cached access-log time once.

    Twisted's HTTPFactory refreshes it every second for its own access log, on a timer per
    listener. SynapseSite writes its own log lines (`SynapseSite.log`) and never reads it, so in a
    process of many tenants those timers (a few per tenant) only woke the reactor for nothing.
    """
    site._logDateTime = datetimeToLogString(site.reactor.seconds())


def stop_access_log_clocks():
    """Every SynapseSite started from now on keeps no per-second timer (see cache_log_time_once)."""
    SynapseSite._updateLogDateTime = cache_log_time_once


def load_tenant_logging(log_config_path):
    """Replaces Synapse's `_load_logging_config`: builds the tenant's own handlers without dictConfig."""
    with open(log_config_path, "rb") as f:
        log_config = yaml.safe_load(f.read()) or {}
    configurator = logging.config.DictConfigurator(log_config)
    formatters = {name: configurator.configure_formatter(spec) for name, spec in log_config.get("formatters", {}).items()}
    configurator.config["formatters"] = formatters
    root = log_config.get("root", {})
    handlers = []
    for name in root.get("handlers", []):
        handler = configurator.configure_handler(dict(log_config["handlers"][name]))
        if handler.level == logging.NOTSET:
            handler.setLevel(root.get("level", "INFO"))
        handlers.append(handler)
    # Logger levels are the process's: Homeport renders the same ones for every host.
    for name, spec in log_config.get("loggers", {}).items():
        if "level" in spec:
            logging.getLogger(name).setLevel(spec["level"])
    router.set_tenant(config_path_to_server_name[log_config_path], handlers)
    reset_logging_config()


class TenantHarness:
    def __init__(self, process_dir, idle_connection_seconds):
        self.tenants_dir = os.path.join(process_dir, "tenants")
        self.tenants = {}
        self.idle_connection_seconds = idle_connection_seconds
        # One sweep for the whole process, not a timer per tenant: a thousand sleeping hosts
        # would otherwise wake the reactors a thousand times a second.
        self.idle_sweep = LoopingCall(self.close_idle_connections)
        if idle_connection_seconds > 0:
            self.idle_sweep.start(max(1.0, idle_connection_seconds / 4), now=False)

    def close_idle_connections(self):
        for tenant in list(self.tenants.values()):
            if tenant.idle_connections is None:
                continue
            try:
                tenant.idle_connections.close_idle()
            except Exception:
                # Logged, and the sweep goes on: a LoopingCall whose function raises stops for good.
                harness_log.exception("closing idle database connections of tenant %s failed", tenant.id)

    def desired(self):
        wanted = {}
        for name in sorted(os.listdir(self.tenants_dir)):
            if name.startswith("."):
                continue
            with open(os.path.join(self.tenants_dir, name)) as f:
                wanted[name] = f.read().strip()
        return wanted

    def report(self):
        return {tenant_id: tenant.report() for tenant_id, tenant in self.tenants.items()}

    def quiet(self, tenant_ids):
        """Makes the tenants listed quiet and every other one not; a tenant still starting follows at the next call."""
        for tenant_id, tenant in self.tenants.items():
            tenant.set_quiet(tenant_id in tenant_ids)

    async def sync(self):
        """Starts the tenants listed and not served, stops those served and no longer listed."""
        wanted = self.desired()
        leaving = [t for tenant_id, t in self.tenants.items() if wanted.get(tenant_id) != t.config_path]
        for tenant in leaving:
            del self.tenants[tenant.id]
        await defer.gatherResults([defer.ensureDeferred(self.stop_tenant(t)) for t in leaving], consumeErrors=True)
        for tenant_id, config_path in wanted.items():
            if tenant_id not in self.tenants:
                tenant = Tenant(tenant_id, config_path)
                self.tenants[tenant_id] = tenant
                self.begin(tenant)
        return self.report()

    def begin(self, tenant):
        tenant.retry = None
        tenant.state = "starting"
        defer.ensureDeferred(self.start_tenant(tenant))

    async def start_tenant(self, tenant):
        started = time.monotonic()
        try:
            config = HomeServerConfig.load_config("Synapse tenant", ["--config-path", tenant.config_path])
            tenant.server_name = config.server.server_name
            if config.logging.log_config:
                config_path_to_server_name[config.logging.log_config] = tenant.server_name
            with LoggingContext(name="main", server_name=tenant.server_name):
                tenant.hs = homeserver.create_homeserver(config)
                homeserver.setup(tenant.hs)
                if self.idle_connection_seconds > 0:
                    pools = [database._db_pool for database in tenant.hs.get_datastores().databases]
                    tenant.idle_connections = IdleConnections(pools, self.idle_connection_seconds)
                # Not frozen: a frozen homeserver cannot be collected after its shutdown.
                await homeserver.start(tenant.hs, freeze=False)
        except BaseException as error:  # noqa: B036 -- SystemExit from Synapse must not end the other tenants
            await self.failed(tenant, error)
            return
        if tenant.removed:
            return
        tenant.state = "running"
        tenant.error = None
        tenant.failures = 0
        harness_log.warning("tenant %s (%s) is serving after %.0f ms", tenant.id, tenant.server_name, (time.monotonic() - started) * 1000)

    async def failed(self, tenant, error):
        tenant.failures += 1
        tenant.error = "".join(traceback.format_exception_only(type(error), error)).strip()[-2000:]
        harness_log.error("tenant %s failed to start: %s", tenant.id, tenant.error)
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
        await self.release(tenant)
        if tenant.removed:
            return
        tenant.state = "failed"
        delay = min(2 ** (tenant.failures - 1), MAX_RETRY_SECONDS)
        tenant.retry = reactor.callLater(delay, self.begin, tenant)

    async def stop_tenant(self, tenant):
        tenant.removed = True
        if tenant.retry is not None and tenant.retry.active():
            tenant.retry.cancel()
        await self.release(tenant)
        harness_log.warning("tenant %s (%s) stopped", tenant.id, tenant.server_name)

    async def release(self, tenant):
        hs, tenant.hs = tenant.hs, None
        tenant.idle_connections = None
        if hs is not None:
            # Synapse's shutdown stops only TCP ports (`type(listener) is Port`): the metrics
            # Unix socket is stopped here, or the next start of the tenant could not bind it.
            others = [listener for listener in hs._listening_services if type(listener) is not Port]
            try:
                await hs.shutdown()
            except Exception:
                harness_log.exception("tenant %s did not shut down cleanly", tenant.id)
            for listener in others:
                await defer.maybeDeferred(listener.stopListening)
        if tenant.server_name is not None:
            router.drop_tenant(tenant.server_name)
        gc.collect()


class ControlProtocol(LineOnlyReceiver):
    delimiter = b"\n"

    def lineReceived(self, line):
        defer.ensureDeferred(self.answer(line))

    async def answer(self, line):
        try:
            request = json.loads(line)
            harness = self.factory.harness
            if request.get("op") == "sync":
                await harness.sync()
            elif request.get("op") != "status":
                raise ValueError("unknown op")
            # The tenants whose hosts sleep, as Homeport sees it: sent with every request, so a
            # restarted process converges at the next status poll.
            if "quiet" in request:
                harness.quiet(set(request["quiet"]))
            reply = {"tenants": harness.report()}
        except Exception as error:
            reply = {"error": str(error)}
        self.sendLine(json.dumps(reply).encode())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--process-dir", required=True)
    # 0 keeps every connection open, as Synapse alone does.
    parser.add_argument("--idle-connection-seconds", type=float, default=0)
    args = parser.parse_args()
    process_dir = os.path.abspath(args.process_dir)
    os.makedirs(os.path.join(process_dir, "tenants"), mode=0o700, exist_ok=True)

    stop_access_log_clocks()
    logging.getLogger().addHandler(router)
    logging.getLogger().setLevel(logging.INFO)
    synapse_logger._load_logging_config = load_tenant_logging

    harness = TenantHarness(process_dir, args.idle_connection_seconds)
    factory = Factory.forProtocol(ControlProtocol)
    factory.harness = harness
    control_socket = os.path.join(process_dir, "control.sock")
    # Unix socket of mode 0600: only Homeport's user adds or removes tenants.
    reactor.listenUNIX(control_socket, factory, mode=0o600, wantPID=True)
    reactor.callWhenRunning(lambda: defer.ensureDeferred(harness.sync()))
    # What upstream's start_reactor does once per process: every tenant's listeners and database
    # connections count against one file limit, raised to the hard limit (soft_file_limit 0).
    change_resource_limit(0)
    install_gc_manager()
    with PreserveLoggingContext():
        reactor.run()


if __name__ == "__main__":
    main()
