//! One field's value checked by the core as the technician leaves the field (a number out of
//! range, a day that does not exist), so the window shows the core's own words and keeps no copy
//! of the rule. Touches no store: the field comes from the ticket view the window already has.

use serde_json::Value;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::template::Field;
use ticketflow_core::workflow::values;

/// The value as the step would store it, or the coded error naming the field.
#[tauri::command]
pub fn check_field_value(field: Field, value: Value) -> Result<Value, ErrorPayload> {
    values::check_field(&field, value).map_err(|e| e.payload())
}
