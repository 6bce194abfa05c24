#ifndef CGRAPHSYNC_CRASH_GUARD_H
#define CGRAPHSYNC_CRASH_GUARD_H

/// Closes every listening socket of the process when it crashes (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP),
/// then hands the signal to the handler installed before (Swift's backtracer, which keeps the crashed process alive
/// while it symbolicates). Without this, a crashed `graphsync serve` holds its port until the backtracer is done and
/// a restart cannot bind it. Call once, after the runtime has installed its handlers (any time in `main`).
/// Returns 0, or the errno of the first `sigaction` that failed.
int graphsync_release_listeners_on_crash(void);

#endif
