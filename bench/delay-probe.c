/*
 * mxaudit-delay-probe: measures what the delayer adds, without ping (no ICMP needed).
 *
 *   tcp ADDR PORT COUNT          connect() COUNT times one after another; a connect returns
 *                                after SYN and SYN-ACK, i.e. one round trip. Prints min/p50/max ms.
 *   udp ADDR PORT RATE SECONDS   sends RATE datagrams/s for SECONDS to a socket this program
 *                                binds on ADDR:PORT, stamps each with its send time and measures
 *                                the one-way delay on receipt: shows the packet rate the delayer
 *                                sustains, its jitter (p99 - p50) and losses.
 * Output: one JSON object on stdout. Only for addresses on this machine's loopback.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int compare_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts the samples and prints "name": {min, p50, p99, max} in milliseconds. */
static void print_distribution(const char *name, int64_t *ns, size_t n) {
    if (!n) { printf("\"%s\": null", name); return; }
    qsort(ns, n, sizeof *ns, compare_i64);
    printf("\"%s\": {\"min\": %.3f, \"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f}", name, ns[0] / 1e6,
           ns[n / 2] / 1e6, ns[(size_t)((double)(n - 1) * 0.99)] / 1e6, ns[n - 1] / 1e6);
}

static struct sockaddr_in address_of(const char *ip, const char *port) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
    if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1 || (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "delay-probe: %s is not a loopback IPv4 address\n", ip);
        exit(2);
    }
    return sa;
}

static int probe_tcp(struct sockaddr_in to, int count) {
    int64_t *samples = calloc((size_t)count, sizeof *samples);
    size_t n = 0;
    for (int i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) { perror("socket"); return 1; }
        int64_t start = now_ns();
        if (connect(fd, (struct sockaddr *)&to, sizeof to) == 0) samples[n++] = now_ns() - start;
        else perror("connect");
        close(fd);
    }
    printf("{\"connects\": %zu, ", n);
    print_distribution("connectMs", samples, n);
    printf("}\n");
    free(samples);
    return n ? 0 : 1;
}

struct stamp { uint64_t seq; int64_t sent_ns; };

static int probe_udp(struct sockaddr_in to, int rate, double seconds) {
    int rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
    if (rx < 0 || tx < 0) { perror("socket"); return 1; }
    int rcvbuf = 16 << 20;
    setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
    /* A held datagram still counts against its sender's buffer: RATE x delay of them are. */
    setsockopt(tx, SOL_SOCKET, SO_SNDBUFFORCE, &rcvbuf, sizeof rcvbuf);
    if (bind(rx, (struct sockaddr *)&to, sizeof to) < 0) { perror("bind"); return 1; }
    uint64_t planned = (uint64_t)(rate * seconds);
    int64_t *delays = calloc(planned ? planned : 1, sizeof *delays);
    uint64_t sent = 0, received = 0, send_errors = 0;
    int64_t start = now_ns(), interval = 1000000000 / rate, last_receive = start;
    int64_t send_end = start;
    for (;;) {
        int64_t now = now_ns();
        /* Catch up in a burst if the scheduler was late; the receive stamps show the cost. */
        while (sent < planned && start + (int64_t)sent * interval <= now) {
            struct stamp s = {sent, now_ns()};
            if (sendto(tx, &s, sizeof s, 0, (struct sockaddr *)&to, sizeof to) < 0) send_errors++;
            sent++;
            send_end = now_ns();
        }
        struct stamp s;
        ssize_t got;
        while ((got = recv(rx, &s, sizeof s, 0)) == (ssize_t)sizeof s) {
            int64_t t = now_ns();
            if (received < planned) delays[received++] = t - s.sent_ns;
            last_receive = t;
        }
        if (sent == planned && (received == planned || now - (last_receive > send_end ? last_receive : send_end) > 1000000000))
            break;
        int64_t next = sent < planned ? start + (int64_t)sent * interval : now + 10000000;
        int64_t wait = next - now_ns();
        struct timespec ts = {wait > 0 ? wait / 1000000000 : 0, wait > 0 ? wait % 1000000000 : 0};
        struct pollfd pfd = {.fd = rx, .events = POLLIN};
        ppoll(&pfd, 1, &ts, NULL);
    }
    double send_seconds = (double)(send_end - start) / 1e9;
    printf("{\"rate\": %d, \"planned\": %llu, \"sent\": %llu, \"received\": %llu, \"lost\": %llu, \"sendErrors\": %llu, "
           "\"sendRate\": %.0f, ",
           rate, (unsigned long long)planned, (unsigned long long)sent, (unsigned long long)received,
           (unsigned long long)(sent - received), (unsigned long long)send_errors,
           send_seconds > 0 ? (double)sent / send_seconds : 0.0);
    print_distribution("oneWayMs", delays, received);
    printf("}\n");
    free(delays);
    return received == sent ? 0 : 1;
}

int main(int argc, char **argv) {
    /* Like the delayer: the measuring instrument must not be what a loaded machine delays.
     * Below the delayer's priority (10), so it never starves the program it measures. */
    struct sched_param rt = {.sched_priority = 5};
    if (sched_setscheduler(0, SCHED_FIFO, &rt) < 0) perror("mxaudit-delay-probe: SCHED_FIFO (continuing without)");
    if (argc == 5 && !strcmp(argv[1], "tcp")) return probe_tcp(address_of(argv[2], argv[3]), atoi(argv[4]));
    if (argc == 6 && !strcmp(argv[1], "udp")) {
        int rate = atoi(argv[4]);
        double seconds = atof(argv[5]);
        if (rate <= 0 || rate > 1000000 || seconds <= 0 || seconds > 60) {
            fprintf(stderr, "delay-probe: rate 1..1000000, seconds 0..60\n");
            return 2;
        }
        return probe_udp(address_of(argv[2], argv[3]), rate, seconds);
    }
    fprintf(stderr, "usage: mxaudit-delay-probe tcp ADDR PORT COUNT | udp ADDR PORT RATE SECONDS\n");
    return 2;
}
