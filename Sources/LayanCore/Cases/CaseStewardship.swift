import Foundation

/// Who answers a case (PKPA 1/2008: one officer is responsible for each complaint until it is resolved): its
/// assignee, and those who supervise cases in the assignee's branch or unit (supervisors, heads of unit). Any
/// other officer who may see the case adds internal notes, and takes it over with "assign to me" (audited)
/// before changing its status or writing to the customer. A case given to nobody is open to every handler.
public enum CaseStewardship {
    public static func mayAct(officer: UUID, assignee: UUID?, supervisesCases: Bool) -> Bool {
        assignee == nil || assignee == officer || supervisesCases
    }
}
