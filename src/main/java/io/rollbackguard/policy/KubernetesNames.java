package io.rollbackguard.policy;

import java.util.regex.Pattern;

/**
 * The name and label syntax the Kubernetes API server enforces, as k8s.io/apimachinery/pkg/util/validation defines
 * it. Each method returns why the value would be refused, in the user's terms, or null when it is valid.
 */
public final class KubernetesNames {
  private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");
  private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final String SUBDOMAIN_RULE = "lower-case letters, digits, '-' and '.', starting and ending with"
      + " a letter or digit";
  private static final String LABEL_VALUE_RULE = "letters, digits, '-', '_' and '.', starting and ending with a"
      + " letter or digit";

  private KubernetesNames() {}

  /** validation.IsDNS1123Subdomain: the names of most objects (Secrets, custom resources). */
  static String subdomain(String what, String value, String example) {
    if (value.length() > 253) {
      return what + " is too long: at most 253 characters, got " + value.length();
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      return "'" + value + "' is not a valid " + what + ": use " + SUBDOMAIN_RULE + " (e.g. " + example + ")";
    }
    return null;
  }

  /** validation.IsDNS1123Label: namespace names (ValidateNamespaceName). */
  public static String label(String what, String value) {
    if (value.length() > 63) {
      return what + " is too long: at most 63 characters, got " + value.length();
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      return "'" + value + "' is not a valid " + what + ": use lower-case letters, digits and '-', starting and"
          + " ending with a letter or digit (e.g. shop)";
    }
    return null;
  }

  /**
   * validation.IsQualifiedName: label keys (metav1validation.ValidateLabelName), an optional DNS-subdomain prefix
   * and '/', then a name of at most 63 characters.
   */
  public static String labelKey(String key) {
    String[] parts = key.split("/", -1);
    if (parts.length > 2) {
      return "'" + key + "' is not a valid label key: at most one '/', between a DNS prefix and the name (e.g."
          + " app.kubernetes.io/name)";
    }
    String name = parts[parts.length - 1];
    if (parts.length == 2) {
      String prefix = parts[0];
      if (prefix.isEmpty()) {
        return "'" + key + "' is not a valid label key: the prefix before '/' must not be empty";
      }
      if (prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
        return "'" + key + "' is not a valid label key: its prefix '" + prefix + "' must be a DNS subdomain of at"
            + " most 253 characters: " + SUBDOMAIN_RULE;
      }
    }
    if (name.isEmpty()) {
      return "'" + key + "' is not a valid label key: the name" + (parts.length == 2 ? " after '/'" : "")
          + " must not be empty";
    }
    if (name.length() > 63) {
      return "'" + key + "' is not a valid label key: the name" + (parts.length == 2 ? " after '/'" : "")
          + " is at most 63 characters, got " + name.length();
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      return "'" + key + "' is not a valid label key: use " + LABEL_VALUE_RULE + ", optionally after a DNS prefix"
          + " and '/' (e.g. app.kubernetes.io/name)";
    }
    return null;
  }

  /** validation.IsValidLabelValue: at most 63 characters, possibly empty. */
  public static String labelValue(String value) {
    if (value.length() > 63) {
      return "label value '" + value + "' is too long: at most 63 characters, got " + value.length();
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      return "'" + value + "' is not a valid label value: use " + LABEL_VALUE_RULE + ", or leave it empty";
    }
    return null;
  }

  /** validation.IsConfigMapKey: the keys of a Secret's data (ValidateSecret checks them with it). */
  static String secretKey(String key) {
    if (key.length() > 253) {
      return "a Secret key is too long: at most 253 characters, got " + key.length();
    }
    if (!CONFIG_MAP_KEY.matcher(key).matches()) {
      return "'" + key + "' is not a valid Secret key: use letters, digits, '-', '_' and '.' (e.g. token, ca.crt)";
    }
    if (key.equals(".") || key.equals("..") || key.startsWith("..")) {
      return "'" + key + "' is not a valid Secret key: it must not be '.' or '..', nor start with '..'";
    }
    return null;
  }
}
