package io.rollbackguard.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * Generates the CRD from the api classes at build time (the build then compares it with crds/).
 *
 * <p>Why not the generator's Maven plugin: it sorts printer columns by JSON path, and kubectl shows them in list
 * order. This keeps the order in which each kind declares them (RollbackPolicy: TARGETS ACTION DECIDE-BY REASON AGE;
 * RolloutVerdict: POLICY REVISION PHASE ACTION DECIDE-BY REASON AGE).
 */
public final class GenerateCrd {
  public static void main(String[] args) {
    File out = new File(args[0]);
    out.mkdirs();
    Map<String, List<String>> orderByKind = new HashMap<>();
    for (Class<?> kind : List.of(RollbackPolicy.class, RolloutVerdict.class)) {
      List<String> order = new ArrayList<>();
      for (AdditionalPrinterColumn c : kind.getAnnotationsByType(AdditionalPrinterColumn.class)) {
        order.add(c.name());
      }
      orderByKind.put(kind.getSimpleName(), order);
    }
    new CRDGenerator()
        .inOutputDir(out)
        .forCRDVersions("v1")
        .withPostProcessor(new CRDPostProcessor() {
          @Override
          public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
            CustomResourceDefinition definition = (CustomResourceDefinition) crd;
            List<String> order = orderByKind.get(definition.getSpec().getNames().getKind());
            for (CustomResourceDefinitionVersion v : definition.getSpec().getVersions()) {
              v.getAdditionalPrinterColumns().sort(
                  Comparator.comparingInt((CustomResourceColumnDefinition c) -> order.indexOf(c.getName())));
            }
            return crd;
          }
        })
        .customResourceClasses(RollbackPolicy.class, RolloutVerdict.class)
        .generate();
  }
}
