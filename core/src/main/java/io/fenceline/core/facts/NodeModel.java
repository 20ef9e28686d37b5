package io.fenceline.core.facts;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * What one node enforces: its isolated pods, the chains they reference and the members of the sets
 * those chains use. A chain a binding names but that has not arrived is listed in {@code
 * missingChains} and simply not jumped to, so the pod stays isolated without that allow (fail
 * closed); a set that has no members yet is still created, empty.
 */
public record NodeModel(
    String node,
    List<PodBindingFact> bindings,
    SortedMap<String, PolicyChainFact> chains,
    SortedMap<SetRef, SortedSet<SetEntry>> sets,
    SortedSet<String> missingChains) {}
