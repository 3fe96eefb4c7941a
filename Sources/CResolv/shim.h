// libresolv (glibc) for Swift: the system resolver's configuration and the DNS message parser.
// res_ninit/res_nclose and the ns_msg_* accessors are macros, invisible to Swift: wrapped here.
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>

// The name servers, timeout and attempts of /etc/resolv.conf (res_ninit), as "address port\n" lines
// in `out`. Returns the number of servers (0 when none or when res_ninit failed).
// IPv6 servers sit in the private _u._ext.nsaddrs array (glibc marks their IPv4 slot with family 0).
static inline int gazette_res_system_servers(char *out, size_t out_size, int *timeout, int *attempts) {
    struct __res_state state;
    memset(&state, 0, sizeof state);
    if (out_size > 0) out[0] = 0;
    if (__res_ninit(&state) != 0) { __res_nclose(&state); return 0; }
    *timeout = state.retrans;
    *attempts = state.retry;
    int count = 0;
    size_t used = 0;
    for (int index = 0; index < state.nscount && index < MAXNS; index++) {
        char text[INET6_ADDRSTRLEN] = {0};
        int port = 53;
        if (state.nsaddr_list[index].sin_family == AF_INET) {
            inet_ntop(AF_INET, &state.nsaddr_list[index].sin_addr, text, sizeof text);
            port = ntohs(state.nsaddr_list[index].sin_port);
        } else if (state._u._ext.nsaddrs[index] != NULL && state._u._ext.nsaddrs[index]->sin6_family == AF_INET6) {
            inet_ntop(AF_INET6, &state._u._ext.nsaddrs[index]->sin6_addr, text, sizeof text);
            port = ntohs(state._u._ext.nsaddrs[index]->sin6_port);
        } else {
            continue;
        }
        int written = snprintf(out + used, out_size - used, "%s %d\n", text, port);
        if (written < 0 || (size_t)written >= out_size - used) break;
        used += (size_t)written;
        count++;
    }
    __res_nclose(&state);
    return count;
}

// ns_msg_count is a macro over the private _counts array.
static inline int gazette_ns_msg_count(const ns_msg *message, ns_sect section) {
    return ns_msg_count(*message, section);
}

// ns_msg_base and ns_msg_end are macros over private fields.
static inline const unsigned char *gazette_ns_msg_base(const ns_msg *message) { return ns_msg_base(*message); }
static inline const unsigned char *gazette_ns_msg_end(const ns_msg *message) { return ns_msg_end(*message); }

// ns_rr_name is a macro; the name is a char array Swift sees as a tuple.
static inline const char *gazette_ns_rr_name(const ns_rr *record) { return record->name; }
