use portico_identity::ports::CompanyRepository;
use portico_identity::{Company, CompanyName, TaxId};
use portico_sea_orm::{Database, SeaCompanies};

use crate::support::{at, on_both_engines, registered};

fn company(name: &str, tax_id: Option<&str>) -> Company {
    Company {
        name: CompanyName::parse(name).unwrap(),
        tax_id: tax_id.map(|t| TaxId::parse(t).unwrap()),
    }
}

async fn company_details_are_set_replaced_and_removed(db: Database) {
    let account = registered(&db, "ada", "ada@example.com").await;
    let other = registered(&db, "grace", "grace@example.com").await;
    let companies = SeaCompanies::new(db.connection());

    companies
        .put(
            account,
            &company("Analytical Engines Ltd", Some("GB123456789")),
            at(0),
        )
        .await
        .unwrap();
    companies
        .put(
            account,
            &company("Analytical Engines AG", Some("CHE-123.456.789 MWST")),
            at(1),
        )
        .await
        .unwrap();

    assert_eq!(
        companies.get(account).await.unwrap(),
        Some(company("Analytical Engines AG", Some("CHE123456789MWST")))
    );
    assert_eq!(companies.get(other).await.unwrap(), None);
    assert!(!companies.delete(other).await.unwrap());
    assert!(companies.delete(account).await.unwrap());
    assert_eq!(companies.get(account).await.unwrap(), None);
}
on_both_engines!(
    lifecycle,
    super::company_details_are_set_replaced_and_removed
);
