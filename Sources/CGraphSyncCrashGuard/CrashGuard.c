// Async-signal-safe only: getsockopt, close, sigaction and raise, no allocation, no locks.
#include "CGraphSyncCrashGuard.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const int guarded[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define GUARDED_COUNT (sizeof guarded / sizeof guarded[0])
static struct sigaction previous[GUARDED_COUNT];
/// File descriptors below this are looked at (the soft limit when installed, at most 65,536).
static int descriptor_limit = 1024;

static void close_listening_sockets(void) {
    for (int fd = 0; fd < descriptor_limit; fd++) {
        int accepting = 0;
        socklen_t length = sizeof accepting;
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting) {
            close(fd);
        }
    }
}

static void on_crash(int signal_number, siginfo_t *info, void *context) {
    int saved = errno;
    close_listening_sockets();
    for (unsigned index = 0; index < GUARDED_COUNT; index++) {
        if (guarded[index] != signal_number) continue;
        const struct sigaction *before = &previous[index];
        if ((before->sa_flags & SA_SIGINFO) && before->sa_sigaction != NULL) {
            errno = saved;
            before->sa_sigaction(signal_number, info, context);
            return;
        }
        if (before->sa_handler != SIG_DFL && before->sa_handler != SIG_IGN) {
            errno = saved;
            before->sa_handler(signal_number);
            return;
        }
    }
    // No handler before this one: the default action (terminate, with a core where configured).
    struct sigaction fallback = {0};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(signal_number, &fallback, NULL);
    raise(signal_number);
}

int graphsync_release_listeners_on_crash(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        descriptor_limit = limit.rlim_cur > 65536 || limit.rlim_cur == RLIM_INFINITY ? 65536 : (int)limit.rlim_cur;
    }
    for (unsigned index = 0; index < GUARDED_COUNT; index++) {
        if (sigaction(guarded[index], NULL, &previous[index]) != 0) return errno;
        struct sigaction action = {0};
        action.sa_sigaction = on_crash;
        action.sa_mask = previous[index].sa_mask;
        // The backtracer's own flags (its alternate stack among them), with siginfo, and never reset to the default.
        action.sa_flags = (previous[index].sa_flags | SA_SIGINFO | SA_ONSTACK) & ~SA_RESETHAND;
        if (sigaction(guarded[index], &action, NULL) != 0) return errno;
    }
    return 0;
}
