// Linux epoll and eventfd behind small functions: their flags are enum/macro hybrids and
// struct epoll_event is packed, neither of which Swift imports reliably.
#ifndef CMXAUDIT_EPOLL_SHIM_H
#define CMXAUDIT_EPOLL_SHIM_H
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// A close-on-exec epoll instance, or -1 (errno set).
static inline int mxa_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// A close-on-exec, non-blocking eventfd, or -1 (errno set).
static inline int mxa_eventfd_create(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

/// Watches `fd` for output when `writable`, else for input: once (re-armed by the next call) when
/// `once`, else until removed. Tries to modify an existing registration first, then adds one.
/// 0 or -1 (errno set).
static inline int mxa_epoll_watch(int epfd, int fd, int writable, int once) {
    struct epoll_event event = { .events = (writable ? EPOLLOUT : EPOLLIN) | (once ? EPOLLONESHOT : 0), .data = { .fd = fd } };
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event) == 0) return 0;
    if (errno != ENOENT) return -1;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

/// Waits up to `timeout` ms (-1: forever) and writes the descriptors with events into `fds`
/// (at most `max`). The count, or -1 (errno set).
static inline int mxa_epoll_wait_descriptors(int epfd, int *fds, int max, int timeout) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int count = epoll_wait(epfd, events, max, timeout);
    for (int i = 0; i < count; i++) fds[i] = events[i].data.fd;
    return count;
}

static inline void mxa_eventfd_signal(int fd) { (void)eventfd_write(fd, 1); }
static inline void mxa_eventfd_drain(int fd) { eventfd_t value; (void)eventfd_read(fd, &value); }
#endif
