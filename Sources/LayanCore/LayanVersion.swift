/// The version reported by `/healthz` and the API document.
public enum LayanVersion {
    public static let current = "0.1.0"
}
