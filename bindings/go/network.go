package e2b

// #include <stdlib.h>
// #include "e2b.h"
import "C"

import (
	"context"
	"unsafe"
)

// AllTraffic is every IPv4 address, the SDKs' ALL_TRAFFIC: put it in DenyOut
// to block all egress but what AllowOut lets through.
const AllTraffic = "0.0.0.0/0"

// NetworkOptions say what a sandbox may reach and how its ports are reached
// (the SDKs' network option of create). The zero value sets nothing; a
// field left at its zero value is not sent, so the server's default applies.
type NetworkOptions struct {
	// AllowOut lists CIDRs ("10.0.0.0/8"), IPs and domains ("example.com",
	// "*.example.com") the sandbox may reach; they beat DenyOut. A domain
	// needs AllTraffic in DenyOut (the server refuses it otherwise).
	AllowOut []string
	// DenyOut lists CIDRs and IPs (no domains) the sandbox may not reach.
	DenyOut []string
	// DNSServers are the IPv4 nameservers reachable when AllowOut holds a
	// domain: nil leaves the server's default (8.8.8.8), an empty non-nil
	// slice ([]string{}) allows none.
	DNSServers []string
	// Rules maps a host (an exact DNS name or a "*." wildcard) to rules for
	// the outbound HTTPS requests to it. A rule does not open egress.
	Rules map[string][]NetworkRule
	// EgressProxy sends outbound TCP through a SOCKS5 proxy (nil: direct).
	EgressProxy *EgressProxy
	// AllowPublicTraffic, when false, makes the sandbox's ports (not envd's)
	// require its traffic access token (nil: the project's default, true).
	AllowPublicTraffic *bool
	// MaskRequestHost is the Host header of proxied requests to the
	// sandbox's ports; "${PORT}" becomes the port ("": not sent).
	MaskRequestHost string
	// HTTPSPorts are ports whose service in the sandbox speaks TLS.
	HTTPSPorts []uint16
}

// NetworkUpdate is the egress configuration UpdateNetwork puts in place of
// a running sandbox's (the SDKs' SandboxNetworkUpdate). Replace semantics:
// what it leaves at its zero value is cleared (DNS servers back to 8.8.8.8,
// the proxy removed). Fields as in NetworkOptions.
type NetworkUpdate struct {
	AllowOut    []string
	DenyOut     []string
	DNSServers  []string
	Rules       map[string][]NetworkRule
	EgressProxy *EgressProxy
	// AllowInternetAccess, when false, denies all egress but AllowOut (nil: not sent).
	AllowInternetAccess *bool
}

// NetworkRule is one rule for a host: what it changes in each matching request.
type NetworkRule struct {
	// Transform is the change (nil: a rule without one).
	Transform *NetworkTransform
}

// NetworkTransform is what a NetworkRule changes in a request.
type NetworkTransform struct {
	// Headers are set on the request, replacing any of the same name. Values
	// may hold ${e2b.secrets.<name>} and ${e2b.identity.tokens.<name>}.
	Headers map[string]string
}

// EgressProxy is a SOCKS5 proxy for the sandbox's outbound TCP (UDP is not
// tunnelled; egress fails closed when the proxy is down).
type EgressProxy struct {
	// Address is "host:port".
	Address string
	// Username and Password are sent when not "".
	Username, Password string
	// TLS makes the connection to the proxy use TLS.
	TLS bool
	// ServerName (the name to check the proxy's certificate against) and
	// CACert (a PEM CA to trust instead of the system's) need TLS.
	ServerName, CACert string
}

// Bool returns a pointer to b, for the *bool fields of the options.
func Bool(b bool) *bool { return &b }

// networkOptions is a new e2b_network_options, freed with the args.
func networkOptions(a *args) *C.e2b_network_options {
	p := C.e2b_network_options_new()
	a.onFree(func() { C.e2b_network_options_free(p) })
	return p
}

// setEgress sets the settings create and update share.
func setEgress(a *args, p *C.e2b_network_options, allow, deny, dns []string, rules map[string][]NetworkRule,
	proxy *EgressProxy) {
	for _, entry := range allow {
		s := a.str(entry)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_network_options_add_allow_out(p, s, e) })
	}
	for _, entry := range deny {
		s := a.str(entry)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_network_options_add_deny_out(p, s, e) })
	}
	if dns != nil {
		array := (**C.char)(C.calloc(C.size_t(len(dns)+1), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		a.onFree(func() { C.free(unsafe.Pointer(array)) })
		items := unsafe.Slice(array, len(dns)+1)
		for i, server := range dns {
			items[i] = a.str(server)
		}
		n := C.size_t(len(dns))
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_network_options_set_dns_servers(p, array, n, e) })
	}
	for host, list := range rules {
		h := a.str(host)
		for _, rule := range list {
			a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_network_options_add_rule(p, h, e) })
			if rule.Transform == nil {
				continue
			}
			for name, value := range rule.Transform.Headers {
				n, v := a.str(name), a.str(value)
				a.set(func(e **C.e2b_error) C.e2b_error_code {
					return C.e2b_network_options_add_rule_header(p, h, n, v, e)
				})
			}
		}
	}
	if proxy != nil {
		addr, user, pass := a.str(proxy.Address), a.optStr(proxy.Username), a.optStr(proxy.Password)
		name, ca := a.optStr(proxy.ServerName), a.optStr(proxy.CACert)
		tls := C.bool(proxy.TLS)
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_network_options_set_egress_proxy(p, addr, user, pass, tls, name, ca, e)
		})
	}
}

func (o *NetworkOptions) build(a *args) *C.e2b_network_options {
	if o == nil {
		return nil
	}
	p := networkOptions(a)
	setEgress(a, p, o.AllowOut, o.DenyOut, o.DNSServers, o.Rules, o.EgressProxy)
	if o.AllowPublicTraffic != nil {
		allow := C.bool(*o.AllowPublicTraffic)
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_network_options_set_allow_public_traffic(p, allow, e)
		})
	}
	if o.MaskRequestHost != "" {
		s := a.str(o.MaskRequestHost)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_network_options_set_mask_request_host(p, s, e) })
	}
	for _, port := range o.HTTPSPorts {
		n := C.uint16_t(port)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_network_options_add_https_port(p, n, e) })
	}
	return p
}

func (u *NetworkUpdate) build(a *args) *C.e2b_network_options {
	p := networkOptions(a)
	if u == nil {
		return p
	}
	setEgress(a, p, u.AllowOut, u.DenyOut, u.DNSServers, u.Rules, u.EgressProxy)
	if u.AllowInternetAccess != nil {
		allow := C.bool(*u.AllowInternetAccess)
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_network_options_set_allow_internet_access(p, allow, e)
		})
	}
	return p
}

// setNetwork gives the sandbox options p the network o.
func setNetwork(a *args, p *C.e2b_sandbox_options, o *NetworkOptions) {
	if o == nil {
		return
	}
	n := o.build(a)
	a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_sandbox_options_set_network(p, n, e) })
}

// UpdateNetwork replaces the sandbox's egress configuration with u (nil: an
// empty update, which clears it), as the SDKs' update_network. Errors:
// ErrSandboxNotFound; ErrInvalidArgument (entries the server refuses);
// ErrPermissionDenied (egress proxies not enabled for the team).
func (s *Sandbox) UpdateNetwork(ctx context.Context, u *NetworkUpdate) error {
	var a args
	defer a.free()
	n := u.build(&a)
	return s.h.call(ctx, &a, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_update_network(p, n, cancel, e)
	})
}

// UpdateNetwork replaces the egress configuration of the running sandbox id
// without connecting to it (see Sandbox.UpdateNetwork).
func (c *Client) UpdateNetwork(ctx context.Context, id string, u *NetworkUpdate) error {
	var a args
	defer a.free()
	cid := a.str(id)
	n := u.build(&a)
	return c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_update_network(cl, cid, n, cancel, e)
	})
}
