package io.fenceline.core.facts;

/** A node fact: a set member, a policy chain or a pod binding. */
public sealed interface Fact permits SetMemberFact, PolicyChainFact, PodBindingFact {
  FactKey key();
}
