package io.fenceline.fleet;

/** The kinds of NetworkPolicy people write, as the simulator generates them. */
public enum PolicyShape {
  /** {@code podSelector: {}}, Ingress, no rules: the namespace's pods are isolated for ingress. */
  DEFAULT_DENY,
  /** Backends accept frontends of the same namespace on the named port {@code http}. */
  FRONTEND_TO_BACKEND,
  /** Frontends accept the ingress controller (namespace AND pod selector) on {@code http}. */
  FROM_INGRESS_CONTROLLER,
  /** Every pod accepts the monitoring namespace on the named port {@code metrics}. */
  FROM_MONITORING,
  /** Backends accept every namespace of the same team (namespace-wide allow). */
  TEAM_WIDE,
  /** Frontends may only reach the internet on 443 (ipBlock with excepts), DNS, and backends. */
  EGRESS_LOCKDOWN,
  /** matchExpressions (In, NotIn, Exists) and a port range. */
  MATCH_EXPRESSIONS,
  /** Backends may reach data pods on their named data ports (hash:ip,port sets), and DNS. */
  EGRESS_TO_DATA,
  /** One app accepts another on {@code http} (the long tail of per-service allows). */
  APP_TO_APP
}
