import Fluent
import Vapor

/// Every migration, in the order it runs. Append only: a shipped migration is never edited
/// (conventions.md, habit 5).
enum LayanMigrations {
    static func all(cipher: PersonalDataCipher) -> [any Migration] { [
        CreateAgencies(),
        CreateBranches(),
        CreateDivisions(),
        CreateStaff(),
        CreateWebSessions(),
        CreateAuditEvents(),
        CreateLoginAttempts(),
        CreateAPITokens(),
        AddDutiesToStaff(),
        AddHoursToBranches(),
        CreateAdHocHolidays(),
        CreateQueue(),
        AddCharterFieldsToTickets(),
        CreateCases(),
        CreateOutbox(),
        CreateServiceRecoveries(),
        CreateKnowledgeBase(),
        AddServiceQueueIndex(),
        AddCaseListIndexes(),
        AddDivisionToDutyRota(),
        AddQueueWaitingCounts(),
        AddCaseOfficerLoad(),
        DropRedundantTicketDayIndex(),
        AddTicketIssuedEventTrigger(),
        EncryptIdentityNumbers(cipher: cipher),
        AddCaseAuditTrigger(),
        CreateOpen311(),
        CreateIntakeLog(),
        CreateFailedMail(),
        AddConversations(),
        CreatePaperForms(),
        AddIntakeSenderIndex(),
        CreateTelephone(),
        CreateCharter(),
        AddCharterBranchStandards(),
        CreateSatisfaction(),
        CreateImprovementProposals(),
        CreateEngagement(),
        CreatePeriodicSurveys(),
        RollUpSatisfactionCounts(),
    ] }
}
