/*
 * mxaudit-delayer: holds every packet of one NFQUEUE for a constant time, then accepts it.
 *
 * The bench's latency run needs round-trip time on loopback, and this kernel has no sch_netem.
 * An iptables rule sends the testbed's loopback packets to queue N; this program reads each
 * packet's id (metadata only, no payload copy), and accepts it DELAY ms after it arrived. One
 * constant delay keeps packets in arrival order, so a FIFO suffices and one batch verdict
 * ("every id up to X") releases all packets that are due at once. Single thread: ppoll waits
 * for the next packet or the next deadline, whichever is first (nanosecond timeout, so the
 * release is late by the timer slack and scheduling only, which the statistics show).
 *
 * Usage: mxaudit-delayer --queue N --delay-ms D [--stats FILE] [--ready FILE]
 * SIGTERM/SIGINT: accept everything still held, write the statistics (JSON), exit 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h> /* before the kernel headers, which redefine struct in_addr otherwise */
#include <errno.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnetfilter_queue/linux_nfnetlink_queue.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    QUEUE_MAXLEN = 1 << 16,         /* packets the kernel may hold for us */
    RING_SIZE = 1 << 17,            /* power of two, > QUEUE_MAXLEN */
    RCVBUF_BYTES = 64 << 20,
    READS_PER_TURN = 256,           /* then look at deadlines again, so reading cannot starve releases */
    LATE_BUCKET_US = 10,
    LATE_BUCKETS = 10000,           /* 10 us buckets up to 100 ms; later goes to the last */
};

struct held { uint32_t id; int64_t deadline_ns; };

static struct {
    struct held ring[RING_SIZE];
    uint32_t head, tail;            /* ring indices; count = tail - head */
    int64_t delay_ns;
    uint64_t packets, batches, verdict_errors, recv_errors, ring_overflows, max_held;
    uint64_t late_hist[LATE_BUCKETS];
    int64_t late_max_ns;
    uint64_t window_packets, peak_rate;
    int64_t window_start_ns;
} S;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
    (void)qh; (void)msg; (void)data;
    struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
    if (!ph) return 0;
    int64_t now = now_ns();
    if (S.tail - S.head >= RING_SIZE) {
        /* Cannot happen while QUEUE_MAXLEN < RING_SIZE; if it does, the next batch verdict
         * still covers this id (verdicts apply to every id up to the one named). */
        S.ring_overflows++;
        return 0;
    }
    S.ring[S.tail % RING_SIZE] = (struct held){ntohl(ph->packet_id), now + S.delay_ns};
    S.tail++;
    S.packets++;
    uint64_t held = S.tail - S.head;
    if (held > S.max_held) S.max_held = held;
    if (now - S.window_start_ns >= 1000000000) {
        if (S.window_packets > S.peak_rate) S.peak_rate = S.window_packets;
        S.window_start_ns = now;
        S.window_packets = 0;
    }
    S.window_packets++;
    return 0;
}

/* Accepts every held packet whose deadline has passed (all of them when flush is set). */
static void release_due(struct nfq_q_handle *qh, int flush) {
    int64_t now = now_ns();
    uint32_t last = 0;
    int any = 0;
    while (S.head != S.tail) {
        struct held *h = &S.ring[S.head % RING_SIZE];
        if (!flush && h->deadline_ns > now) break;
        if (!flush) {
            int64_t late = now - h->deadline_ns;
            uint64_t bucket = (uint64_t)(late / 1000 / LATE_BUCKET_US);
            S.late_hist[bucket < LATE_BUCKETS ? bucket : LATE_BUCKETS - 1]++;
            if (late > S.late_max_ns) S.late_max_ns = late;
        }
        last = h->id;
        any = 1;
        S.head++;
    }
    if (!any) return;
    S.batches++;
    if (nfq_set_verdict_batch(qh, last, NF_ACCEPT) < 0) S.verdict_errors++;
}

static double late_percentile_us(double p) {
    uint64_t total = 0, seen = 0;
    for (int i = 0; i < LATE_BUCKETS; i++) total += S.late_hist[i];
    if (!total) return 0;
    uint64_t rank = (uint64_t)(p * (double)total);
    for (int i = 0; i < LATE_BUCKETS; i++) {
        seen += S.late_hist[i];
        if (seen > rank) return (double)(i + 1) * LATE_BUCKET_US; /* upper bound of the bucket */
    }
    return (double)LATE_BUCKETS * LATE_BUCKET_US;
}

static void write_stats(const char *path, int queue, int64_t started_ns) {
    if (S.window_packets > S.peak_rate) S.peak_rate = S.window_packets;
    FILE *f = path ? fopen(path, "w") : stdout;
    if (!f) { perror(path); return; }
    double seconds = (double)(now_ns() - started_ns) / 1e9;
    fprintf(f,
            "{\"queue\": %d, \"delayMs\": %.3f, \"seconds\": %.3f, \"packets\": %llu, \"batches\": %llu,\n"
            " \"peakPacketsPerSecond\": %llu, \"maxHeld\": %llu,\n"
            " \"lateUs\": {\"p50\": %.0f, \"p99\": %.0f, \"p999\": %.0f, \"max\": %.0f},\n"
            " \"verdictErrors\": %llu, \"recvErrors\": %llu, \"ringOverflows\": %llu}\n",
            queue, (double)S.delay_ns / 1e6, seconds, (unsigned long long)S.packets,
            (unsigned long long)S.batches, (unsigned long long)S.peak_rate,
            (unsigned long long)S.max_held, late_percentile_us(0.5), late_percentile_us(0.99),
            late_percentile_us(0.999), (double)S.late_max_ns / 1e3,
            (unsigned long long)S.verdict_errors, (unsigned long long)S.recv_errors,
            (unsigned long long)S.ring_overflows);
    if (path) fclose(f);
}

static void usage(void) {
    fprintf(stderr, "usage: mxaudit-delayer --queue N --delay-ms D [--stats FILE] [--ready FILE]\n");
    exit(2);
}

int main(int argc, char **argv) {
    int queue = -1;
    double delay_ms = -1;
    const char *stats_path = NULL, *ready_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage();
        if (!strcmp(argv[i], "--queue")) queue = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--delay-ms")) delay_ms = atof(argv[++i]);
        else if (!strcmp(argv[i], "--stats")) stats_path = argv[++i];
        else if (!strcmp(argv[i], "--ready")) ready_path = argv[++i];
        else usage();
    }
    if (queue < 0 || queue > 65535 || delay_ms < 0 || delay_ms > 10000) usage();
    S.delay_ns = (int64_t)(delay_ms * 1e6);

    /* The default 50 us timer slack would be most of the jitter budget. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    /* netem runs in the kernel, ahead of every process; a real-time priority gives this program
     * the same standing, so the audit and the testbed saturating both cores do not delay releases.
     * A bug cannot lock up the machine: RT throttling leaves 5 % to the others. */
    struct sched_param rt = {.sched_priority = 10};
    if (sched_setscheduler(0, SCHED_FIFO, &rt) < 0) perror("mxaudit-delayer: SCHED_FIFO (continuing without)");

    sigset_t blocked, empty;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGINT);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &blocked, NULL); /* delivered only inside ppoll: no lost wake-up */
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct nfq_handle *h = nfq_open();
    if (!h) { perror("nfq_open"); return 1; }
    struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue, on_packet, NULL);
    if (!qh) { fprintf(stderr, "nfq_create_queue %d: %s (is another program bound to it?)\n", queue, strerror(errno)); return 1; }
    if (nfq_set_mode(qh, NFQNL_COPY_META, 0) < 0) { perror("nfq_set_mode"); return 1; }
    if (nfq_set_queue_maxlen(qh, QUEUE_MAXLEN) < 0) { perror("nfq_set_queue_maxlen"); return 1; }
    /* GSO: loopback TCP sends 64 KiB super-packets; without the flag the kernel would segment
     * them just to queue them. */
    if (nfq_set_queue_flags(qh, NFQA_CFG_F_GSO, NFQA_CFG_F_GSO) < 0) perror("nfq_set_queue_flags (GSO)");
    int fd = nfq_fd(h);
    nfnl_rcvbufsiz(nfq_nfnlh(h), RCVBUF_BYTES);
    int one = 1;
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof one);

    if (ready_path) {
        FILE *f = fopen(ready_path, "w");
        if (!f) { perror(ready_path); return 1; }
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }

    int64_t started = now_ns();
    S.window_start_ns = started;
    static char buf[1 << 16] __attribute__((aligned));
    while (!stop_requested) {
        release_due(qh, 0);
        struct timespec timeout, *tp = NULL;
        if (S.head != S.tail) {
            int64_t wait = S.ring[S.head % RING_SIZE].deadline_ns - now_ns();
            if (wait < 0) wait = 0;
            timeout.tv_sec = wait / 1000000000;
            timeout.tv_nsec = wait % 1000000000;
            tp = &timeout;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = ppoll(&pfd, 1, tp, &empty);
        if (ready < 0) {
            if (errno == EINTR) continue;
            perror("ppoll");
            break;
        }
        if (!ready) continue;
        for (int i = 0; i < READS_PER_TURN; i++) {
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                if (errno == EINTR) break;
                S.recv_errors++; /* ENOBUFS: messages lost; a later batch verdict covers their ids */
                break;
            }
            nfq_handle_packet(h, buf, (int)n);
        }
    }
    /* The rule is gone by now (the bench removes it first): take what is still in the socket,
     * then accept everything, so that stopping the delay drops no packet. */
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) break;
        nfq_handle_packet(h, buf, (int)n);
    }
    release_due(qh, 1);
    write_stats(stats_path, queue, started);
    nfq_destroy_queue(qh);
    nfq_close(h);
    return 0;
}
